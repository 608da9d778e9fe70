"""numpy versions of ``ftaccel.kernels.indicators.overlap``."""

import numpy as np

from ._common import _nan_head


def sma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real[start:]
    windows = np.lib.stride_tricks.sliding_window_view(x, timeperiod)
    with np.errstate(invalid="ignore"):
        out[first:] = windows.sum(axis=1) / timeperiod
    # TA-Lib keeps a running total: once a NaN enters it, or an inf leaves it, the
    # total is NaN for good.
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        j = bad[0]
        poisoned = j if np.isnan(x[j]) else j + timeperiod
        out[max(first, start + poisoned) :] = np.nan
    return out
