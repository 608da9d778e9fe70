"""Volume indicators (OBV, AD, ADOSC), TA-Lib compatible."""

from .. import export
from ._common import nan_head


@export("f8[::1](f8[::1], f8[::1], i8)")
def obv(real, volume, start):
    """On balance volume: add/subtract volume on up/down closes. Lookback 0."""
    n = real.shape[0]
    out = nan_head(n, start)
    if start >= n:
        return out
    acc = volume[start]
    out[start] = acc
    x = real[start + 1:]
    prev = real[start:n - 1]
    vol = volume[start + 1:]
    o = out[start + 1:]
    for j in range(o.shape[0]):
        # selects instead of branches (up and down closes alternate at random); adding
        # 0.0 on an unchanged close leaves the total as TA-Lib's skipped update does
        v = vol[j]
        step = v if x[j] > prev[j] else 0.0
        step = -v if x[j] < prev[j] else step
        acc += step
        o[j] = acc
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8)")
def ad(high, low, close, volume, start):
    """Chaikin accumulation/distribution line; rows with ``high - low <= 0`` add nothing.

    Lookback 0; a NaN contribution makes every later value NaN.
    """
    n = high.shape[0]
    out = nan_head(n, start)
    h = high[start:]
    lo = low[start:]
    c = close[start:]
    vol = volume[start:]
    o = out[start:]
    acc = 0.0
    for j in range(o.shape[0]):
        hj = h[j]
        lj = lo[j]
        cj = c[j]
        t = hj - lj
        if t > 0.0:
            acc += (((cj - lj) - (hj - cj)) / t) * vol[j]
        o[j] = acc
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8, i8, i8)")
def adosc(high, low, close, volume, start, fastperiod, slowperiod):
    """Chaikin A/D oscillator: EMA(AD, fastperiod) - EMA(AD, slowperiod), both EMAs
    (k = 2/(period+1)) seeded with the first AD value. Lookback
    ``max(fastperiod, slowperiod) - 1``; a NaN contribution to AD (a NaN close or volume
    where high > low) poisons the rest."""
    n = high.shape[0]
    first = start + max(fastperiod, slowperiod) - 1
    out = nan_head(n, first)
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
    # first > start: both periods are at least 2
    h = high[first:]
    lo = low[first:]
    c = close[first:]
    vol = volume[first:]
    o = out[first:]
    for j in range(o.shape[0]):
        hj = h[j]
        lj = lo[j]
        cj = c[j]
        t = hj - lj
        if t > 0.0:
            acc += (((cj - lj) - (hj - cj)) / t) * vol[j]
        fast = (fk * acc) + (fk1 * fast)
        slow = (sk * acc) + (sk1 * slow)
        o[j] = fast - slow
    return out
