"""Price transforms (AVGPRICE, MEDPRICE, TYPPRICE, WCLPRICE), TA-Lib compatible.

Lookback 0: one value per row from the begin index on; a NaN in any input gives NaN in
that row only. Sums are taken in TA-Lib's order so results are bit-identical. The loops
index views that start at the begin index (see ``_common``), so they vectorise.
"""

from .. import export
from ._common import nan_head


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8)")
def avgprice(open_, high, low, close, start):
    """(high + low + close + open) / 4."""
    n = open_.shape[0]
    out = nan_head(n, start)
    op = open_[start:]
    h = high[start:]
    lo = low[start:]
    c = close[start:]
    o = out[start:]
    for j in range(o.shape[0]):
        o[j] = (h[j] + lo[j] + c[j] + op[j]) / 4.0
    return out


@export("f8[::1](f8[::1], f8[::1], i8)")
def medprice(high, low, start):
    """(high + low) / 2."""
    n = high.shape[0]
    out = nan_head(n, start)
    h = high[start:]
    lo = low[start:]
    o = out[start:]
    for j in range(o.shape[0]):
        o[j] = (h[j] + lo[j]) / 2.0
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def typprice(high, low, close, start):
    """(high + low + close) / 3."""
    n = high.shape[0]
    out = nan_head(n, start)
    h = high[start:]
    lo = low[start:]
    c = close[start:]
    o = out[start:]
    for j in range(o.shape[0]):
        o[j] = (h[j] + lo[j] + c[j]) / 3.0
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def wclprice(high, low, close, start):
    """(high + low + 2 * close) / 4."""
    n = high.shape[0]
    out = nan_head(n, start)
    h = high[start:]
    lo = low[start:]
    c = close[start:]
    o = out[start:]
    for j in range(o.shape[0]):
        o[j] = (h[j] + lo[j] + c[j] * 2.0) / 4.0
    return out
