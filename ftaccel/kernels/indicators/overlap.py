"""Overlap studies (moving averages and bands), TA-Lib compatible."""

import numpy as np

from .. import export, helper
from ._common import nan_head

NAN = np.nan


@export("f8[::1](f8[::1], i8, i8)")
def sma(real, start, timeperiod):
    """Simple moving average. Lookback ``timeperiod - 1``."""
    n = real.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    total = 0.0
    for i in range(start, first):
        total += real[i]
    x = real[first:]
    leaving = real[start:n - timeperiod + 1]
    o = out[first:]
    for j in range(o.shape[0]):
        total += x[j]
        value = total
        total -= leaving[j]
        o[j] = value / timeperiod
    return out


@helper
def _ema(real, start, timeperiod):
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    if timeperiod == 1:
        for i in range(first, n):
            out[i] = real[i]
        return out
    k = 2.0 / (timeperiod + 1)
    total = 0.0
    for i in range(start, first + 1):
        total += real[i]
    prev = total / timeperiod
    out[first] = prev
    for i in range(first + 1, n):
        prev = (real[i] - prev) * k + prev
        out[i] = prev
    return out


@export("f8[::1](f8[::1], i8, i8)")
def ema(real, start, timeperiod):
    """Exponential moving average, k = 2/(timeperiod+1), seeded with the SMA of the
    first ``timeperiod`` values. Lookback ``timeperiod - 1``; a NaN poisons the rest
    (``timeperiod == 1`` copies the input, as TA-Lib does)."""
    return _ema(real, start, timeperiod)


@helper
def _ema_stack(real, start, timeperiod, depth):
    """DEMA (``depth`` 2) or TEMA (3) in one pass: the EMAs of EMAs advance together, so
    their dependency chains overlap instead of running one array pass each. Each EMA is
    seeded with the SMA of its input's first ``timeperiod`` values, as TA-Lib chains them."""
    n = real.shape[0]
    last_seed = start + depth * (timeperiod - 1)
    out = nan_head(n, last_seed)
    if last_seed >= n:
        return out
    k = 2.0 / (timeperiod + 1)
    i = start + timeperiod - 1
    total = 0.0
    for t in range(start, i + 1):
        total += real[t]
    e1 = total / timeperiod
    total = e1
    for t in range(i + 1, i + timeperiod):
        e1 = (real[t] - e1) * k + e1
        total += e1
    e2 = total / timeperiod
    i += timeperiod - 1
    x = real[last_seed + 1:]
    o = out[last_seed + 1:]
    if depth == 2:
        out[last_seed] = 2.0 * e1 - e2
        for j in range(o.shape[0]):
            e1 = (x[j] - e1) * k + e1
            e2 = (e1 - e2) * k + e2
            o[j] = 2.0 * e1 - e2
        return out
    total = e2
    for t in range(i + 1, i + timeperiod):
        e1 = (real[t] - e1) * k + e1
        e2 = (e1 - e2) * k + e2
        total += e2
    e3 = total / timeperiod
    out[last_seed] = 3.0 * e1 - 3.0 * e2 + e3
    for j in range(o.shape[0]):
        e1 = (x[j] - e1) * k + e1
        e2 = (e1 - e2) * k + e2
        e3 = (e2 - e3) * k + e3
        o[j] = 3.0 * e1 - 3.0 * e2 + e3
    return out


@export("f8[::1](f8[::1], i8, i8)")
def dema(real, start, timeperiod):
    """Double EMA ``2*e1 - e2`` (e2 the EMA of e1). Lookback ``2*(timeperiod-1)``;
    ``timeperiod == 1`` copies the input."""
    if timeperiod == 1:
        return _ema(real, start, 1)
    return _ema_stack(real, start, timeperiod, 2)


@export("f8[::1](f8[::1], i8, i8)")
def tema(real, start, timeperiod):
    """Triple EMA ``3*e1 - 3*e2 + e3``. Lookback ``3*(timeperiod-1)``;
    ``timeperiod == 1`` copies the input."""
    if timeperiod == 1:
        return _ema(real, start, 1)
    return _ema_stack(real, start, timeperiod, 3)


@export("f8[::1](f8[::1], i8, i8)")
def wma(real, start, timeperiod):
    """Linearly weighted moving average (weights 1..timeperiod). Lookback ``timeperiod - 1``.

    Like TA-Lib 0.8 the running sums are rebuilt from the window every ``8 * timeperiod``
    outputs, so a NaN/inf spoils the output only until the next rebuild.
    """
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    if timeperiod == 1:
        for i in range(first, n):
            out[i] = real[i]
        return out
    divider = timeperiod * (timeperiod + 1) / 2.0
    block = 8 * timeperiod
    psum = 0.0
    psub = 0.0
    w = 1
    for i in range(start, first):
        psub += real[i]
        psum += real[i] * w
        w += 1
    trailing = start
    for i in range(first, n):
        if (i - first) % block == block - 1:
            psub = 0.0
            psum = 0.0
            w = 1
            for j in range(i - timeperiod + 1, i + 1):
                psub += real[j]
                psum += real[j] * w
                w += 1
            out[i] = psum / divider
            psum -= psub
            psub -= real[trailing]
            trailing += 1
            continue
        v = real[i]
        psub += v
        psum += v * timeperiod
        out[i] = psum / divider
        psum -= psub
        psub -= real[trailing]
        trailing += 1
    return out
