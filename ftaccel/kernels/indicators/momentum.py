"""Momentum indicators, TA-Lib compatible."""

import numpy as np

from .. import export, helper
from ._common import nan_head

NAN = np.nan


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


@export("f8[::1](f8[::1], i8, i8)")
def mom(real, start, timeperiod):
    """Momentum ``real[i] - real[i - timeperiod]``. Lookback ``timeperiod``; NaN propagates."""
    n = real.shape[0]
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    x = real[first:]
    prev = real[start:n - timeperiod]
    o = out[first:]
    for j in range(o.shape[0]):
        o[j] = x[j] - prev[j]
    return out


@helper
def _mo_roc_generic(real, start, timeperiod, kind):
    n = real.shape[0]
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    x = real[first:]
    before = real[start:n - timeperiod]
    o = out[first:]
    if kind == 0:
        for j in range(o.shape[0]):
            prev = before[j]
            o[j] = (x[j] / prev - 1.0) * 100.0 if prev != 0.0 else 0.0
    elif kind == 1:
        for j in range(o.shape[0]):
            prev = before[j]
            o[j] = (x[j] - prev) / prev if prev != 0.0 else 0.0
    else:
        for j in range(o.shape[0]):
            prev = before[j]
            o[j] = x[j] / prev if prev != 0.0 else 0.0
    return out


@export("f8[::1](f8[::1], i8, i8)")
def roc(real, start, timeperiod):
    """Rate of change ``(real/prev - 1) * 100``. Lookback ``timeperiod``; a zero prev gives 0."""
    return _mo_roc_generic(real, start, timeperiod, 0)


@export("f8[::1](f8[::1], i8, i8)")
def rocp(real, start, timeperiod):
    """Rate of change ``(real - prev) / prev``. Lookback ``timeperiod``; a zero prev gives 0."""
    return _mo_roc_generic(real, start, timeperiod, 1)


@export("f8[::1](f8[::1], i8, i8)")
def rocr(real, start, timeperiod):
    """Rate of change ratio ``real / prev``. Lookback ``timeperiod``; a zero prev gives 0."""
    return _mo_roc_generic(real, start, timeperiod, 2)


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8)")
def bop(open_, high, low, close, start):
    """Balance of power ``(close - open) / (high - low)``; 0 where ``high - low <= 0``.

    Lookback 0; NaN inputs give NaN.
    """
    n = open_.shape[0]
    out = np.empty(n)
    for i in range(min(start, n)):
        out[i] = NAN
    for i in range(start, n):
        t = high[i] - low[i]
        out[i] = 0.0 if t <= 0.0 else (close[i] - open_[i]) / t
    return out
