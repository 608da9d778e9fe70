"""numpy/pandas versions of ``ftaccel.kernels.indicators.volatility``."""

import numpy as np
import pandas as pd

from ._common import _nan_head


def trange(high, low, close, start):
    n = high.shape[0]
    out = _nan_head(n, start + 1)
    if start + 1 >= n:
        return out
    hi, lo, cy = high[start + 1 :], low[start + 1 :], close[start : n - 1]
    with np.errstate(invalid="ignore"):
        greatest = hi - lo
        for d in (np.abs(cy - hi), np.abs(cy - lo)):
            greatest = np.where(d > greatest, d, greatest)
    out[start + 1 :] = greatest
    return out


def atr(high, low, close, start, timeperiod):
    tr = trange(high, low, close, start)
    n = high.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    seeded = np.concatenate(([tr[start + 1 : first + 1].sum() / timeperiod], tr[first + 1 :]))
    with np.errstate(invalid="ignore", over="ignore"):
        sm = pd.Series(seeded).ewm(alpha=1.0 / timeperiod, adjust=False, ignore_na=False)
        values = sm.mean().to_numpy().copy()
    # pandas skips NaN; TA-Lib's running value stays NaN (or inf-inf) once it is hit.
    bad = np.flatnonzero(~np.isfinite(seeded))
    if bad.size:
        k = bad[0]
        with np.errstate(invalid="ignore", over="ignore"):
            prev = values[k - 1] if k else np.nan
            keep = timeperiod - 1.0
            for i in range(k, seeded.size):
                prev = ((prev * keep + seeded[i]) / timeperiod) if i else seeded[0]
                values[i] = prev
    out[first:] = values
    return out


def natr(high, low, close, start, timeperiod):
    out = atr(high, low, close, start, timeperiod)
    first = start + timeperiod
    if timeperiod > 1 and first < out.shape[0]:
        c = close[first:]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out[first:] = np.where(c != 0.0, out[first:] / np.where(c != 0.0, c, 1.0) * 100.0,
                                   0.0)
    return out
