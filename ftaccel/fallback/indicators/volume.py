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


def adosc(high, low, close, volume, start, fastperiod, slowperiod):
    n = high.shape[0]
    first = start + max(fastperiod, slowperiod) - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    line = ad(high, low, close, volume, start)[start:]
    with np.errstate(invalid="ignore", over="ignore"):
        fast = _ema_first_seeded(line, fastperiod)
        slow = _ema_first_seeded(line, slowperiod)
        out[first:] = (fast - slow)[first - start :]
    return out


def _ema_first_seeded(x, period):
    """EMA with k = 2/(period+1) seeded with the first value, in TA-Lib's arithmetic
    ``k * x + (1 - k) * ema`` (a recursion: a loop over Python floats, so the residues of
    fast - slow are TA-Lib's)."""
    k = 2.0 / (period + 1)
    k1 = 1.0 - k
    values = x.tolist()
    prev = values[0]
    for i in range(1, len(values)):
        prev = (k * values[i]) + (k1 * prev)
        values[i] = prev
    return np.array(values)
