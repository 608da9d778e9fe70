"""Volatility indicators (TRANGE, ATR, NATR), TA-Lib compatible."""


from .. import export, helper
from ._common import nan_head


@helper
def _vo_tr(hi, lo, cy):
    """One true range in TA-Lib's comparison order (a NaN distance is skipped)."""
    greatest = hi - lo
    val2 = abs(cy - hi)
    if val2 > greatest:
        greatest = val2
    val3 = abs(cy - lo)
    if val3 > greatest:
        greatest = val3
    return greatest


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def trange(high, low, close, start):
    """True range ``max(high - low, |prev close - high|, |prev close - low|)``.

    Lookback 1. TA-Lib's ``>`` comparisons: a NaN distance is skipped, NaN high - low stays.
    """
    n = high.shape[0]
    out = nan_head(n, start + 1)
    if start + 1 >= n:
        return out
    h = high[start + 1:]
    lo = low[start + 1:]
    c = close[start:n - 1]
    o = out[start + 1:]
    for j in range(o.shape[0]):
        o[j] = _vo_tr(h[j], lo[j], c[j])
    return out


@helper
def _vo_pct(value, close):
    return (value / close) * 100.0 if close != 0.0 else 0.0


@helper
def _vo_atr(high, low, close, start, timeperiod, normalize):
    """ATR (or NATR with ``normalize``) from ``start + timeperiod``, NaN before."""
    n = high.shape[0]
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    total = 0.0
    for i in range(start + 1, first + 1):
        total += _vo_tr(high[i], low[i], close[i - 1])
    prev = total / timeperiod
    out[first] = _vo_pct(prev, close[first]) if normalize else prev
    # Wilder: prev = (prev * (p - 1) + tr) / p, with the division folded into constants
    inv = 1.0 / timeperiod
    keep = (timeperiod - 1.0) * inv
    h = high[first + 1:]
    lo = low[first + 1:]
    cy = close[first:n - 1]
    c = close[first + 1:]
    o = out[first + 1:]
    if normalize:
        for j in range(o.shape[0]):
            prev = prev * keep + _vo_tr(h[j], lo[j], cy[j]) * inv
            o[j] = _vo_pct(prev, c[j])
    else:
        for j in range(o.shape[0]):
            prev = prev * keep + _vo_tr(h[j], lo[j], cy[j]) * inv
            o[j] = prev
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def atr(high, low, close, start, timeperiod):
    """Average true range: mean of the first ``timeperiod`` true ranges, then Wilder's smoothing.

    Lookback ``timeperiod``; a NaN true range makes every later value NaN (also for
    ``timeperiod=1``, unlike TRANGE).
    """
    return _vo_atr(high, low, close, start, timeperiod, False)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def natr(high, low, close, start, timeperiod):
    """Normalized ATR ``100 * atr / close``; a zero close gives 0. Lookback ``timeperiod``.

    As TA-Lib: ``timeperiod=1`` returns the ATR unnormalized.
    """
    return _vo_atr(high, low, close, start, timeperiod, timeperiod != 1)
