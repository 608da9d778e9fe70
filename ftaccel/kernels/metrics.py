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
    total = 0.0
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
        hv = peak if peak > 0.0 else 0.0
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
