"""Volume indicators (OBV, AD, ADOSC), TA-Lib compatible."""

import numpy as np

from .. import export

NAN = np.nan


@export("f8[::1](f8[::1], f8[::1], i8)")
def obv(real, volume, start):
    """On balance volume: add/subtract volume on up/down closes. Lookback 0."""
    n = real.shape[0]
    out = np.empty(n)
    for i in range(min(start, n)):
        out[i] = NAN
    if start >= n:
        return out
    acc = volume[start]
    prev = real[start]
    out[start] = acc
    for i in range(start + 1, n):
        x = real[i]
        if x > prev:
            acc += volume[i]
        elif x < prev:
            acc -= volume[i]
        out[i] = acc
        prev = x
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8)")
def ad(high, low, close, volume, start):
    """Chaikin accumulation/distribution line; rows with ``high - low <= 0`` add nothing.

    Lookback 0; a NaN contribution makes every later value NaN.
    """
    n = high.shape[0]
    out = np.empty(n)
    for i in range(min(start, n)):
        out[i] = NAN
    acc = 0.0
    for i in range(start, n):
        t = high[i] - low[i]
        if t > 0.0:
            acc += (((close[i] - low[i]) - (high[i] - close[i])) / t) * volume[i]
        out[i] = acc
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8, i8, i8)")
def adosc(high, low, close, volume, start, fastperiod, slowperiod):
    """Chaikin A/D oscillator: EMA(AD, fastperiod) - EMA(AD, slowperiod), both EMAs
    (k = 2/(period+1)) seeded with the first AD value. Lookback
    ``max(fastperiod, slowperiod) - 1``; a NaN contribution to AD (a NaN close or volume
    where high > low) poisons the rest."""
    n = high.shape[0]
    out = np.empty(n)
    first = start + max(fastperiod, slowperiod) - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    fk = 2.0 / (fastperiod + 1)
    sk = 2.0 / (slowperiod + 1)
    fk1 = 1.0 - fk
    sk1 = 1.0 - sk
    acc = 0.0
    t = high[start] - low[start]
    if t > 0.0:
        acc += (((close[start] - low[start]) - (high[start] - close[start])) / t) * volume[start]
    fast = acc
    slow = acc
    for i in range(start + 1, first):
        t = high[i] - low[i]
        if t > 0.0:
            acc += (((close[i] - low[i]) - (high[i] - close[i])) / t) * volume[i]
        fast = (fk * acc) + (fk1 * fast)
        slow = (sk * acc) + (sk1 * slow)
    for i in range(first, n):  # first > start: both periods are at least 2
        t = high[i] - low[i]
        if t > 0.0:
            acc += (((close[i] - low[i]) - (high[i] - close[i])) / t) * volume[i]
        fast = (fk * acc) + (fk1 * fast)
        slow = (sk * acc) + (sk1 * slow)
        out[i] = fast - slow
    return out
