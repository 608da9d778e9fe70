"""numpy versions of ``ftaccel.kernels.indicators.overlap``."""

import numpy as np
import pandas as pd

from ._common import _nan_head, running_total


def sma(real, start, timeperiod):
    return running_total(real, start, timeperiod) / timeperiod


def ema(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    if timeperiod == 1:
        out[first:] = real[first:]
        return out
    x = real[first:].copy()
    with np.errstate(invalid="ignore", over="ignore"):
        x[0] = real[start : first + 1].sum() / timeperiod
    s = pd.Series(x).ewm(alpha=2.0 / (timeperiod + 1), adjust=False, ignore_na=False).mean()
    res = np.array(s, dtype=float)
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        # a non-finite value enters the recursion: inf stays inf at that row, NaN after
        j = bad[0]
        res[j] = np.nan if np.isnan(x[j]) else x[j]
        res[j + 1 :] = np.nan
    out[first:] = res
    return out


def wma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real[start:]
    if timeperiod == 1:
        out[first:] = x
        return out
    weights = np.arange(1, timeperiod + 1, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(x, timeperiod)
    with np.errstate(invalid="ignore", over="ignore"):
        out[first:] = windows @ weights / weights.sum()
    # TA-Lib keeps running sums but rebuilds them from the window every 8*timeperiod
    # outputs: a non-finite value spoils its segment (NaN from where it enters, inf one
    # row later) until the next rebuild.
    finite = np.isfinite(real)
    if finite[start:].all():
        return out
    block = 8 * timeperiod
    bounds = [first, *range(first + block - 1, n, block), n]
    for r, r_next in zip(bounds[:-1], bounds[1:]):
        lo = r - timeperiod + 1 if r > first else start
        bad = np.flatnonzero(~finite[lo:r_next])
        if bad.size:
            j = lo + bad[0]
            from_ = max(r, j) if np.isnan(real[j]) else max(r, j) + 1
            out[from_:r_next] = np.nan
    return out


def dema(real, start, timeperiod):
    if timeperiod == 1:
        return ema(real, start, 1)
    e1 = ema(real, start, timeperiod)
    e2 = ema(e1, start + timeperiod - 1, timeperiod)
    out = 2.0 * e1 - e2
    out[: start + 2 * (timeperiod - 1)] = np.nan
    return out


def tema(real, start, timeperiod):
    if timeperiod == 1:
        return ema(real, start, 1)
    e1 = ema(real, start, timeperiod)
    e2 = ema(e1, start + timeperiod - 1, timeperiod)
    e3 = ema(e2, start + 2 * (timeperiod - 1), timeperiod)
    out = 3.0 * e1 - 3.0 * e2 + e3
    out[: start + 3 * (timeperiod - 1)] = np.nan
    return out
