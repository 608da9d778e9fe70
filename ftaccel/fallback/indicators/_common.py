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


def running_total(real, start, timeperiod):
    """Window sums with TA-Lib's running-total NaN rule; NaN up to ``start + timeperiod - 1``."""
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real[start:]
    windows = np.lib.stride_tricks.sliding_window_view(x, timeperiod)
    with np.errstate(invalid="ignore"):
        out[first:] = windows.sum(axis=1)
    # TA-Lib keeps a running total: once a NaN enters it, or an inf leaves it, the
    # total is NaN for good.
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        j = bad[0]
        poisoned = j if np.isnan(x[j]) else j + timeperiod
        out[max(first, start + poisoned) :] = np.nan
    return out
