"""Pieces shared by every indicator kernel: where TA-Lib's wrapper starts computing, and
the NaN-headed output array.

Loop style: index views from 0 (``o = out[first:]; for j in range(o.shape[0])``) rather
than ``x[i - k]`` with ``i`` from a runtime start: numba cannot prove ``i - k >= 0`` and
keeps a negative-index fix-up in the loop, which blocks vectorisation (2-3x slower).
"""

import numpy as np

from .. import export, helper


@helper
def nan_head(n, first):
    """A float64 array of length ``n`` whose first ``min(first, n)`` values are NaN."""
    out = np.empty(n)
    out[: max(min(first, n), 0)] = np.nan
    return out


@export("i8(f8[::1])")
def first_valid1(a):
    """First index where ``a`` is not NaN; the last index if none is, 0 when empty."""
    n = a.shape[0]
    for i in range(n):
        if not np.isnan(a[i]):
            return i
    return max(n - 1, 0)


@export("i8(f8[::1], f8[::1])")
def first_valid2(a, b):
    n = a.shape[0]
    for i in range(n):
        if not (np.isnan(a[i]) or np.isnan(b[i])):
            return i
    return max(n - 1, 0)


@export("i8(f8[::1], f8[::1], f8[::1])")
def first_valid3(a, b, c):
    n = a.shape[0]
    for i in range(n):
        if not (np.isnan(a[i]) or np.isnan(b[i]) or np.isnan(c[i])):
            return i
    return max(n - 1, 0)


@export("i8(f8[::1], f8[::1], f8[::1], f8[::1])")
def first_valid4(a, b, c, d):
    n = a.shape[0]
    for i in range(n):
        if not (np.isnan(a[i]) or np.isnan(b[i]) or np.isnan(c[i]) or np.isnan(d[i])):
            return i
    return max(n - 1, 0)
