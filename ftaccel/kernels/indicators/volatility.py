"""Volatility indicators (TRANGE, ATR, NATR), TA-Lib compatible."""

import numpy as np

from .. import export, helper

NAN = np.nan


@helper
def _vo_trange(high, low, close, start):
    """True range from ``start + 1`` (NaN before), TA-Lib's comparison order."""
    n = high.shape[0]
    out = np.empty(n)
    for i in range(min(start + 1, n)):
        out[i] = NAN
    for i in range(start + 1, n):
        lo = low[i]
        hi = high[i]
        cy = close[i - 1]
        greatest = hi - lo
        val2 = abs(cy - hi)
        if val2 > greatest:
            greatest = val2
        val3 = abs(cy - lo)
        if val3 > greatest:
            greatest = val3
        out[i] = greatest
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def trange(high, low, close, start):
    """True range ``max(high - low, |prev close - high|, |prev close - low|)``.

    Lookback 1. TA-Lib's ``>`` comparisons: a NaN distance is skipped, NaN high - low stays.
    """
    return _vo_trange(high, low, close, start)


@helper
def _vo_atr(high, low, close, start, timeperiod):
    n = high.shape[0]
    tr = _vo_trange(high, low, close, start)
    out = np.empty(n)
    first = start + timeperiod
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    total = 0.0
    for i in range(start + 1, first + 1):
        total += tr[i]
    prev = total / timeperiod
    out[first] = prev
    keep = timeperiod - 1.0
    for i in range(first + 1, n):
        prev *= keep
        prev += tr[i]
        prev /= timeperiod
        out[i] = prev
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def atr(high, low, close, start, timeperiod):
    """Average true range: mean of the first ``timeperiod`` true ranges, then Wilder's smoothing.

    Lookback ``timeperiod``; a NaN true range makes every later value NaN (also for
    ``timeperiod=1``, unlike TRANGE).
    """
    return _vo_atr(high, low, close, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def natr(high, low, close, start, timeperiod):
    """Normalized ATR ``100 * atr / close``; a zero close gives 0. Lookback ``timeperiod``.

    As TA-Lib: ``timeperiod=1`` returns the ATR unnormalized.
    """
    out = _vo_atr(high, low, close, start, timeperiod)
    if timeperiod == 1:
        return out
    n = high.shape[0]
    for i in range(min(start + timeperiod, n), n):
        c = close[i]
        out[i] = (out[i] / c) * 100.0 if c != 0.0 else 0.0
    return out
