"""Overlap studies (moving averages and bands), TA-Lib compatible."""

import numpy as np

from .. import export

NAN = np.nan


@export("f8[::1](f8[::1], i8, i8)")
def sma(real, start, timeperiod):
    """Simple moving average. Lookback ``timeperiod - 1``."""
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    total = 0.0
    for i in range(start, first):
        total += real[i]
    trailing = start
    for i in range(first, n):
        total += real[i]
        value = total
        total -= real[trailing]
        trailing += 1
        out[i] = value / timeperiod
    return out
