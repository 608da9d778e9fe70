"""Volume indicators (OBV, AD, ADOSC), TA-Lib compatible."""

import numpy as np

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
    # TA-Lib's FMA build fuses each EMA step into fma(1 - k, ema, k * ad) (the FMA module
    # fuses the same product here; tests/test_fma.py checks every bit) but adds each
    # row's money-flow volume to AD unfused: the volumes are computed a block at a time (a
    # pass that vectorises) and added from memory, where nothing can fuse them. A row that
    # adds nothing adds -0.0, the exact identity.
    n = high.shape[0]
    first = start + max(fastperiod, slowperiod) - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    fk = 2.0 / (fastperiod + 1)
    sk = 2.0 / (slowperiod + 1)
    fk1 = 1.0 - fk
    sk1 = 1.0 - sk
    flow = np.empty(min(n - start, 1024))
    acc = 0.0
    fast = 0.0
    slow = 0.0
    for b0 in range(start, n, 1024):
        m = min(1024, n - b0)
        h = high[b0:b0 + m]
        lo = low[b0:b0 + m]
        c = close[b0:b0 + m]
        vol = volume[b0:b0 + m]
        for j in range(m):
            t = h[j] - lo[j]
            q = (((c[j] - lo[j]) - (h[j] - c[j])) / t) * vol[j]
            flow[j] = q if t > 0.0 else -0.0
        o = out[b0:b0 + m]
        j0 = 0
        if b0 == start:  # the first AD value seeds both averages
            acc += flow[0]
            fast = acc
            slow = acc
            j0 = 1
        for j in range(j0, m):
            acc += flow[j]
            fast = (fk1 * fast) + (fk * acc)
            slow = (sk1 * slow) + (sk * acc)
            o[j] = fast - slow
    for i in range(start, min(first, n)):  # the priming rows
        out[i] = np.nan
    return out
