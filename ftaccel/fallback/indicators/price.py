"""numpy versions of ``ftaccel.kernels.indicators.price``."""

import numpy as np


def _head_nan(values, start):
    values[:start] = np.nan
    return values


def avgprice(open_, high, low, close, start):
    return _head_nan((high + low + close + open_) / 4.0, start)


def medprice(high, low, start):
    return _head_nan((high + low) / 2.0, start)


def typprice(high, low, close, start):
    return _head_nan((high + low + close) / 3.0, start)


def wclprice(high, low, close, start):
    return _head_nan((high + low + close * 2.0) / 4.0, start)
