"""numpy/pandas versions of ``ftaccel.kernels.indicators.volume``."""

import numpy as np

from ._common import _nan_head


def obv(real, volume, start):
    n = real.shape[0]
    out = _nan_head(n, start)
    if start >= n:
        return out
    x = real[start:]
    with np.errstate(invalid="ignore", over="ignore"):
        step = np.zeros(x.size)
        step[0] = volume[start]
        up = x[1:] > x[:-1]
        down = x[1:] < x[:-1]
        v = volume[start + 1 :]
        step[1:] = np.where(up, v, np.where(down, -v, 0.0))
        out[start:] = _sequential_sum(step)
    return out


def _sequential_sum(step):
    # np.cumsum adds left to right like TA-Lib's loop (same rounding, NaN/inf sticky).
    return np.cumsum(step)


def ad(high, low, close, volume, start):
    n = high.shape[0]
    out = _nan_head(n, start)
    if start >= n:
        return out
    h, lo, c, v = high[start:], low[start:], close[start:], volume[start:]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        t = h - lo
        contrib = np.where(t > 0.0, (((c - lo) - (h - c)) / np.where(t > 0.0, t, 1.0)) * v, 0.0)
        out[start:] = _sequential_sum(np.concatenate(([0.0], contrib)))[1:]
    return out
