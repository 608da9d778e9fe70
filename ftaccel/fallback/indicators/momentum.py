"""numpy/pandas versions of ``ftaccel.kernels.indicators.momentum``."""

import numpy as np
import pandas as pd

from ._common import _nan_head


def rsi(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    with np.errstate(invalid="ignore"):
        diff = np.diff(real[start:])
        gains = np.where(diff > 0.0, diff, 0.0)
        losses = gains - diff
    # Seed with the mean of the first `timeperiod` moves, then Wilder's smoothing
    # (an EMA with alpha = 1/timeperiod).
    seeded_g = np.concatenate(([gains[:timeperiod].sum() / timeperiod], gains[timeperiod:]))
    seeded_l = np.concatenate(([losses[:timeperiod].sum() / timeperiod], losses[timeperiod:]))
    alpha = 1.0 / timeperiod
    avg_g = pd.Series(seeded_g).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    avg_l = pd.Series(seeded_l).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    total = avg_g + avg_l
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(total > 0.0, 100.0 * avg_g / total, 0.0)
    # A non-finite move makes TA-Lib's running averages NaN (or inf/inf): 0 from there on.
    bad = np.flatnonzero(~np.isfinite(diff))
    if bad.size:
        values[max(bad[0] - timeperiod + 1, 0) :] = 0.0
    out[first:] = values
    return out


def _shifted(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out, None, None, first
    return out, real[first:], real[start : n - timeperiod], first


def mom(real, start, timeperiod):
    out, cur, prev, first = _shifted(real, start, timeperiod)
    if cur is not None:
        with np.errstate(invalid="ignore", over="ignore"):
            out[first:] = cur - prev
    return out


def _ratio(real, start, timeperiod, func):
    out, cur, prev, first = _shifted(real, start, timeperiod)
    if cur is not None:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out[first:] = np.where(prev != 0.0, func(cur, np.where(prev != 0.0, prev, 1.0)), 0.0)
    return out


def roc(real, start, timeperiod):
    return _ratio(real, start, timeperiod, lambda c, p: (c / p - 1.0) * 100.0)


def rocp(real, start, timeperiod):
    return _ratio(real, start, timeperiod, lambda c, p: (c - p) / p)


def rocr(real, start, timeperiod):
    return _ratio(real, start, timeperiod, lambda c, p: c / p)


def bop(open_, high, low, close, start):
    n = open_.shape[0]
    out = _nan_head(n, start)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        t = high[start:] - low[start:]
        out[start:] = np.where(t <= 0.0, 0.0, (close[start:] - open_[start:]) / t)
    return out
