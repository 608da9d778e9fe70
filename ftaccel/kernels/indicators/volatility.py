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


def _make_atr(normalize):
    """ATR (or NATR with ``normalize``) from ``start + timeperiod``, NaN before, compiled
    for one constant ``normalize``."""

    def run(high, low, close, start, timeperiod):
        n = high.shape[0]
        first = start + timeperiod
        out = nan_head(n, first)
        if first >= n:
            return out
        total = 0.0
        for i in range(start + 1, first + 1):
            total += _vo_tr(high[i], low[i], close[i - 1])
        prev = total / timeperiod
        # Wilder: prev = (prev * (p - 1) + tr) / p, as prev * keep + tr * inv, advanced two
        # rows per step (prev * keep^2 + (a0 * keep + a1)) so the loop-carried chain is one
        # multiply-add per two rows; the smoothing is contractive, so the regrouping stays
        # within a few ulps of TA-Lib's sequence (it does not accumulate)
        inv = 1.0 / timeperiod
        keep = (timeperiod - 1.0) * inv
        keep2 = keep * keep
        h = high[first + 1:]
        lo = low[first + 1:]
        cy = close[first:n - 1]
        o = out[first + 1:]
        c = close[first:]  # c[j + 1] is the close of o[j]'s row
        m = o.shape[0]
        if normalize:
            r = (prev / c[0]) * 100.0
            out[first] = r if c[0] != 0.0 else 0.0
        else:
            out[first] = prev
        j = 0
        while j + 1 < m:
            a0 = _vo_tr(h[j], lo[j], cy[j]) * inv
            a1 = _vo_tr(h[j + 1], lo[j + 1], cy[j + 1]) * inv
            p0 = prev * keep + a0
            prev = prev * keep2 + (a0 * keep + a1)
            if normalize:  # a zero close gives 0 (selected after the division)
                r = (p0 / c[j + 1]) * 100.0
                o[j] = r if c[j + 1] != 0.0 else 0.0
                r = (prev / c[j + 2]) * 100.0
                o[j + 1] = r if c[j + 2] != 0.0 else 0.0
            else:
                o[j] = p0
                o[j + 1] = prev
            j += 2
        if j < m:
            prev = prev * keep + _vo_tr(h[j], lo[j], cy[j]) * inv
            if normalize:
                r = (prev / c[j + 1]) * 100.0
                o[j] = r if c[j + 1] != 0.0 else 0.0
            else:
                o[j] = prev
        return out

    return helper(run)


_vo_atr = _make_atr(False)
_vo_natr = _make_atr(True)


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
    if timeperiod == 1:
        return _vo_atr(high, low, close, start, timeperiod)
    return _vo_natr(high, low, close, start, timeperiod)
