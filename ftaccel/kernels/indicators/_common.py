"""Begin-index kernels shared by every indicator: where TA-Lib's wrapper starts computing."""

import numpy as np

from .. import export


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
