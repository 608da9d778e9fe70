"""Price transforms (AVGPRICE, MEDPRICE, TYPPRICE, WCLPRICE), TA-Lib compatible.

Lookback 0: one value per row from the begin index on; a NaN in any input gives NaN in
that row only. Sums are taken in TA-Lib's order so results are bit-identical.
"""

import numpy as np

from .. import export


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8)")
def avgprice(open_, high, low, close, start):
    """(high + low + close + open) / 4."""
    n = open_.shape[0]
    out = np.empty(n)
    out[:start] = np.nan
    for i in range(start, n):
        out[i] = (high[i] + low[i] + close[i] + open_[i]) / 4.0
    return out


@export("f8[::1](f8[::1], f8[::1], i8)")
def medprice(high, low, start):
    """(high + low) / 2."""
    n = high.shape[0]
    out = np.empty(n)
    out[:start] = np.nan
    for i in range(start, n):
        out[i] = (high[i] + low[i]) / 2.0
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def typprice(high, low, close, start):
    """(high + low + close) / 3."""
    n = high.shape[0]
    out = np.empty(n)
    out[:start] = np.nan
    for i in range(start, n):
        out[i] = (high[i] + low[i] + close[i]) / 3.0
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def wclprice(high, low, close, start):
    """(high + low + 2 * close) / 4."""
    n = high.shape[0]
    out = np.empty(n)
    out[:start] = np.nan
    for i in range(start, n):
        out[i] = (high[i] + low[i] + close[i] * 2.0) / 4.0
    return out
