"""Indicator kernels, TA-Lib compatible.

Every kernel takes its input arrays, ``start`` (the index of the first value TA-Lib's
wrapper computes from: the first row where no input is NaN) and its parameters, already
validated by ``ftaccel.ta``. It returns full-length float64 output(s): NaN up to
``start + lookback``, values after. Arithmetic follows TA-Lib's C code step by step so
results agree to the last few ulps, NaN propagation included.
"""

import numpy as np

from . import export

NAN = np.nan


# -- begin index: the first row where no input is NaN (TA-Lib's wrapper skips the rest) --
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


@export("f8[::1](f8[::1], i8, i8)")
def sma(real, start, timeperiod):
    """Simple moving average. Lookback ``timeperiod - 1``."""
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    total = 0.0
    for i in range(start, first):
        total += real[i]
    trailing = start
    for i in range(first, n):
        total += real[i]
        value = total
        total -= real[trailing]
        trailing += 1
        out[i] = value / timeperiod
    return out


@export("f8[::1](f8[::1], i8, i8)")
def rsi(real, start, timeperiod):
    """Wilder's relative strength index, 0..100. Lookback ``timeperiod``.

    A zero or NaN gain+loss total gives 0 (TA-Lib tests the total with ``> 0``).
    """
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    inv_period = 1.0 / timeperiod
    keep = timeperiod - 1.0
    gain = 0.0
    loss = 0.0
    prev = real[start]
    for i in range(start + 1, first + 1):
        diff = real[i] - prev
        prev = real[i]
        up = diff if diff > 0.0 else 0.0
        gain += up
        loss += up - diff
    loss *= inv_period
    gain *= inv_period
    total = gain + loss
    out[first] = 100.0 * (gain / total) if total > 0.0 else 0.0
    for i in range(first + 1, n):
        diff = real[i] - prev
        prev = real[i]
        loss *= keep
        gain *= keep
        up = diff if diff > 0.0 else 0.0
        gain += up
        loss += up - diff
        loss *= inv_period
        gain *= inv_period
        total = gain + loss
        out[i] = 100.0 * (gain / total) if total > 0.0 else 0.0
    return out
