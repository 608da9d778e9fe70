"""Overlap studies (moving averages and bands), TA-Lib compatible."""

import numpy as np

from .. import export, helper

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


@export("f8[::1](f8[::1], i8, i8)")
def dema(real, start, timeperiod):
    """Double EMA ``2*e1 - e2`` (e2 the EMA of e1). Lookback ``2*(timeperiod-1)``;
    ``timeperiod == 1`` copies the input."""
    if timeperiod == 1:
        return _ema(real, start, 1)
    e1 = _ema(real, start, timeperiod)
    e2 = _ema(e1, start + timeperiod - 1, timeperiod)
    n = real.shape[0]
    out = np.empty(n)
    first = start + 2 * (timeperiod - 1)
    for i in range(n):
        out[i] = NAN if i < first else 2.0 * e1[i] - e2[i]
    return out


@export("f8[::1](f8[::1], i8, i8)")
def tema(real, start, timeperiod):
    """Triple EMA ``3*e1 - 3*e2 + e3``. Lookback ``3*(timeperiod-1)``;
    ``timeperiod == 1`` copies the input."""
    if timeperiod == 1:
        return _ema(real, start, 1)
    e1 = _ema(real, start, timeperiod)
    e2 = _ema(e1, start + timeperiod - 1, timeperiod)
    e3 = _ema(e2, start + 2 * (timeperiod - 1), timeperiod)
    n = real.shape[0]
    out = np.empty(n)
    first = start + 3 * (timeperiod - 1)
    for i in range(n):
        out[i] = NAN if i < first else 3.0 * e1[i] - 3.0 * e2[i] + e3[i]
    return out


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


# --- MIDPOINT, MIDPRICE, SAR -------------------------------------------------------------

from .mathops import _highest_lowest  # noqa: E402  (kept with the functions that use it)


@export("f8[::1](f8[::1], i8, i8)")
def midpoint(real, start, timeperiod):
    """``(highest + lowest) / 2`` over ``timeperiod`` rows. Lookback ``timeperiod - 1``;
    the extremes are MAX/MIN's (their NaN rule)."""
    return _highest_lowest(real, real, real, start, timeperiod, 0)


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def midprice(high, low, start, timeperiod):
    """``(highest high + lowest low) / 2`` over ``timeperiod`` rows. Lookback
    ``timeperiod - 1``; the extremes are MAX/MIN's (their NaN rule)."""
    return _highest_lowest(high, low, high, start, timeperiod, 0)


@export("f8[::1](f8[::1], f8[::1], i8, f8, f8)")
def sar(high, low, start, acceleration, maximum):
    """Wilder's parabolic SAR. Lookback 1: the first bar only seeds it (long unless its -DM
    to the second bar is positive; SAR starts at the first bar's low/high). The step
    ``af`` starts at ``acceleration`` (capped at ``maximum``) and grows by it with each new
    extreme point up to ``maximum``; the SAR never enters the last two bars' range."""
    n = high.shape[0]
    out = np.empty(n)
    first = start + 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    if acceleration > maximum:
        acceleration = maximum
    af = acceleration
    dp = high[first] - high[start]
    dm = low[start] - low[first]
    is_long = not (dm > 0.0 and dp < dm)
    if is_long:
        ep = high[first]
        s = low[start]
    else:
        ep = low[first]
        s = high[start]
    new_low = low[first]
    new_high = high[first]
    for today in range(first, n):
        prev_low = new_low
        prev_high = new_high
        new_low = low[today]
        new_high = high[today]
        if is_long:
            if new_low <= s:
                is_long = False
                s = ep
                if s < prev_high:
                    s = prev_high
                if s < new_high:
                    s = new_high
                out[today] = s
                af = acceleration
                ep = new_low
                s = s + af * (ep - s)
                if s < prev_high:
                    s = prev_high
                if s < new_high:
                    s = new_high
            else:
                out[today] = s
                if new_high > ep:
                    ep = new_high
                    af += acceleration
                    if af > maximum:
                        af = maximum
                s = s + af * (ep - s)
                if s > prev_low:
                    s = prev_low
                if s > new_low:
                    s = new_low
        elif new_high >= s:
            is_long = True
            s = ep
            if s > prev_low:
                s = prev_low
            if s > new_low:
                s = new_low
            out[today] = s
            af = acceleration
            ep = new_high
            s = s + af * (ep - s)
            if s > prev_low:
                s = prev_low
            if s > new_low:
                s = new_low
        else:
            out[today] = s
            if new_low < ep:
                ep = new_low
                af += acceleration
                if af > maximum:
                    af = maximum
            s = s + af * (ep - s)
            if s < prev_high:
                s = prev_high
            if s < new_high:
                s = new_high
    return out
