"""numpy versions of ``ftaccel.kernels.indicators.mathops``."""

import numpy as np

from ._common import _nan_head, running_total


def _block_extreme(real, start, timeperiod, sign):
    """Rolling maximum of ``sign * real`` by blocks, with TA-Lib's NaN rule: a block scan
    that starts on a NaN stays NaN, other NaNs are skipped. Of a tie of 0.0 and -0.0
    numpy's ``fmax`` may keep the other zero than TA-Lib (the values are equal)."""
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    y = real[start:] * sign
    blocks = -(-y.size // timeperiod)
    grid = np.full(blocks * timeperiod, np.nan)
    grid[: y.size] = y
    grid = grid.reshape(blocks, timeperiod)
    with np.errstate(invalid="ignore"):
        suffix = np.fmax.accumulate(grid[:, ::-1], axis=1)[:, ::-1]
        prefix = np.fmax.accumulate(grid, axis=1)
    suffix[np.isnan(grid[:, -1])] = np.nan
    prefix[np.isnan(grid[:, 0])] = np.nan
    s = np.arange(y.size - timeperiod + 1)  # window starts
    b, r = np.divmod(s, timeperiod)
    suf = suffix[b, r]
    nxt = np.minimum(b + 1, blocks - 1)
    pre = np.where(r > 0, prefix[nxt, np.maximum(r - 1, 0)], np.nan)
    best = np.where(np.isnan(suf) | ~(pre > suf), suf, pre)
    out[first:] = best * sign
    return out


def max_(real, start, timeperiod):
    return _block_extreme(real, start, timeperiod, 1.0)


def min_(real, start, timeperiod):
    return _block_extreme(real, start, timeperiod, -1.0)


def sum_(real, start, timeperiod):
    return running_total(real, start, timeperiod)


def _index_of_extreme(real, start, timeperiod, sign):
    """TA-Lib's tracked extreme index (a stateful scan, so a loop over Python floats)."""
    n = real.shape[0]
    out = np.zeros(n, np.int32)  # the compiled kernels' (and TA-Lib's) output type
    first = start + timeperiod - 1
    vals = (real * sign).tolist()
    trailing = start
    best_i = -1
    best = 0.0
    for today in range(first, n):
        if best_i < trailing:
            window = vals[trailing : today + 1]
            best_i = trailing
            best = window[0]
            for k, v in enumerate(window[1:], start=trailing + 1):
                if v > best:
                    best_i, best = k, v
        elif vals[today] >= best:
            best_i, best = today, vals[today]
        out[today] = best_i
        trailing += 1
    return out


def maxindex(real, start, timeperiod):
    return _index_of_extreme(real, start, timeperiod, 1.0)


def minindex(real, start, timeperiod):
    return _index_of_extreme(real, start, timeperiod, -1.0)
