"""Metrics kernels: the array cores of Freqtrade's ``freqtrade.data.metrics``.

Inputs are float64 arrays already sorted the way Freqtrade sorts the trades; the facade
``ftaccel.metrics`` does the frame handling. NaN follows pandas' ``skipna`` rules.
"""

import numpy as np

from . import export


@export("UniTuple(f8[::1], 4)(f8[::1], f8)")
def drawdown_series(profit, starting_balance):
    """Cumulative profit, its high-water mark (floored at 0), drawdown and relative drawdown.

    Each output has ``len(profit) + 1`` rows: Freqtrade's leading zero row, then one row per
    trade. NaN profits give NaN rows and are skipped by the running sum and maximum.
    """
    n = profit.shape[0]
    cumulative = np.empty(n + 1)
    high = np.empty(n + 1)
    drawdown = np.empty(n + 1)
    relative = np.empty(n + 1)
    cumulative[0] = 0.0
    high[0] = 0.0
    drawdown[0] = 0.0
    relative[0] = 0.0
    total = -0.0  # -0.0 + x == x: the sum starts at the first profit, as cumsum
    peak = -np.inf
    for i in range(n):
        p = profit[i]
        j = i + 1
        if np.isnan(p):
            cumulative[j] = np.nan
            high[j] = np.nan
            drawdown[j] = np.nan
            relative[j] = np.nan
            continue
        total += p
        if total > peak:
            peak = total
        hv = 0.0 if peak < 0.0 else peak  # as np.maximum(0, peak): keeps -0.0
        cumulative[j] = total
        high[j] = hv
        drawdown[j] = total - hv
        if starting_balance != 0.0:
            top = starting_balance + hv
            relative[j] = (top - (starting_balance + total)) / top
        else:
            relative[j] = (hv - total) / hv
    return cumulative, high, drawdown, relative


@export("i8(f8[::1], i8)")
def argmax_skipnan(values, stop):
    """Index of the first maximum of ``values[:stop]`` ignoring NaN; -1 if all are NaN."""
    best = -1
    for i in range(stop):
        v = values[i]
        if np.isnan(v):
            continue
        if best < 0 or v > values[best]:
            best = i
    return best


@export("i8(f8[::1], i8)")
def argmin_skipnan(values, stop):
    """Index of the first minimum of ``values[:stop]`` ignoring NaN; -1 if all are NaN."""
    best = -1
    for i in range(stop):
        v = values[i]
        if np.isnan(v):
            continue
        if best < 0 or v < values[best]:
            best = i
    return best


@export("UniTuple(f8, 2)(f8[::1])")
def csum_min_max(profit):
    """Minimum and maximum of the running sum of ``profit`` (NaN skipped); NaN if none."""
    total = 0.0
    lo = np.nan
    hi = np.nan
    for i in range(profit.shape[0]):
        p = profit[i]
        if np.isnan(p):
            continue
        total += p
        if np.isnan(lo) or total < lo:
            lo = total
        if np.isnan(hi) or total > hi:
            hi = total
    return lo, hi


@export("UniTuple(f8, 4)(f8[::1])")
def win_loss_sums(profit):
    """Sum and count of the positive values, then of the negative ones."""
    win = 0.0
    loss = 0.0
    nwin = 0
    nloss = 0
    for i in range(profit.shape[0]):
        p = profit[i]
        if p > 0.0:
            win += p
            nwin += 1
        elif p < 0.0:
            loss += p
            nloss += 1
    return win, float(nwin), loss, float(nloss)


@export("f8(f8[::1], i8)")
def nanstd(values, ddof):
    """Standard deviation skipping NaN, two naive passes (as pandas via bottleneck)."""
    total = 0.0
    count = 0
    for i in range(values.shape[0]):
        v = values[i]
        if not np.isnan(v):
            total += v
            count += 1
    if count <= ddof:
        return np.nan
    mean = total / count
    sq = 0.0
    for i in range(values.shape[0]):
        v = values[i]
        if not np.isnan(v):
            d = v - mean
            sq += d * d
    return np.sqrt(sq / (count - ddof))
