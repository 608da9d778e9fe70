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
        # Wilder: TA-Lib 0.8's one statement, wAlpha derived from wBeta, which its FMA
        # build computes as fma(beta, prev, alpha * tr); ``+ 0.0`` makes alpha * tr a
        # finished value, so the FMA module can only fuse the same product (see _t3).
        beta = (timeperiod - 1.0) / timeperiod
        alpha = 1.0 - beta
        h = high[first + 1:]
        lo = low[first + 1:]
        cy = close[first:n - 1]
        o = out[first + 1:]
        c = close[first + 1:]  # the close of o[j]'s row
        if not normalize:
            out[first] = prev
            for j in range(o.shape[0]):
                prev = beta * prev + (alpha * _vo_tr(h[j], lo[j], cy[j]) + 0.0)
                o[j] = prev
            return out
        # NATR: the recurrence fills a block of ATR values, then one branch-free pass (it
        # vectorises) divides the block by its closes; a zero close gives 0
        r = (prev / close[first]) * 100.0
        out[first] = r if close[first] != 0.0 else 0.0
        m = o.shape[0]
        for b0 in range(0, m, 4096):
            b1 = min(b0 + 4096, m)
            for j in range(b0, b1):
                prev = beta * prev + (alpha * _vo_tr(h[j], lo[j], cy[j]) + 0.0)
                o[j] = prev
            ob = o[b0:b1]
            cb = c[b0:b1]
            for k in range(b1 - b0):
                r = (ob[k] / cb[k]) * 100.0
                ob[k] = r if cb[k] != 0.0 else 0.0
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
