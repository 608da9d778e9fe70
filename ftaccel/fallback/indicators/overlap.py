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


# --- MIDPOINT, MIDPRICE, SAR -------------------------------------------------------------

from .mathops import _block_extreme  # noqa: E402  (kept with the functions that use it)


def midpoint(real, start, timeperiod):
    with np.errstate(invalid="ignore", over="ignore"):
        return (_block_extreme(real, start, timeperiod, 1.0)
                + _block_extreme(real, start, timeperiod, -1.0)) / 2.0


def midprice(high, low, start, timeperiod):
    with np.errstate(invalid="ignore", over="ignore"):
        return (_block_extreme(high, start, timeperiod, 1.0)
                + _block_extreme(low, start, timeperiod, -1.0)) / 2.0


def sar(high, low, start, acceleration, maximum):
    # A state machine (direction, extreme point, step): a loop over Python floats.
    n = high.shape[0]
    first = start + 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    acc = min(acceleration, maximum)
    hi, lo = high.tolist(), low.tolist()
    up, down = hi[first] - hi[start], lo[start] - lo[first]
    long_ = not (down > 0.0 and up < down)
    ep, s = (hi[first], lo[start]) if long_ else (lo[first], hi[start])
    af = acc
    nh, nl = hi[first], lo[first]
    values = []
    for today in range(first, n):
        ph, pl, nh, nl = nh, nl, hi[today], lo[today]
        if long_ and nl <= s or not long_ and nh >= s:  # reversal: SAR jumps to the EP
            long_ = not long_
            s = _inside(ep, ph, nh, pl, nl, long_)
            values.append(s)
            af = acc
            ep = nh if long_ else nl
            s = _inside(s + af * (ep - s), ph, nh, pl, nl, long_)
            continue
        values.append(s)
        if long_ and nh > ep or not long_ and nl < ep:
            ep = nh if long_ else nl
            af += acc
            if af > maximum:
                af = maximum
        s = _inside(s + af * (ep - s), ph, nh, pl, nl, long_)
    out[first:] = values
    return out


def _inside(s, prev_high, high, prev_low, low, long_):
    """Keep the SAR out of the last two bars: below their lows when long, above the highs
    when short (TA-Lib's comparisons, so a NaN bar leaves it unchanged)."""
    if long_:
        if s > prev_low:
            s = prev_low
        if s > low:
            s = low
    else:
        if s < prev_high:
            s = prev_high
        if s < high:
            s = high
    return s
