"""Shared pieces of the indicator fallbacks."""

import numpy as np


def _nan_head(n, upto):
    out = np.empty(n)
    out[: min(upto, n)] = np.nan
    return out


def _first_valid(*arrays):
    n = arrays[0].shape[0]
    if n == 0:
        return 0
    ok = ~np.logical_or.reduce([np.isnan(a) for a in arrays])
    return int(ok.argmax()) if ok.any() else n - 1


first_valid1 = first_valid2 = first_valid3 = first_valid4 = _first_valid
