"""Backtest kernels: Freqtrade's per-candle exit rules over arrays.

Spot, long, leverage 1. Prices are not rounded to the market's tick here; the facade
``ftaccel.backtest`` states what each entry point models.
"""

import numpy as np

from . import export

EXIT_NONE = 0
EXIT_ROI = 1
EXIT_STOP_LOSS = 2


@export("Tuple((i8, i8, f8))"
        "(f8[::1], f8[::1], f8[::1], i8[::1], i8, f8, f8, f8, i8[::1], f8[::1], i8)")
def exit_scan(open_, high, low, minutes, entry, open_rate, fee, stoploss, roi_minutes,
              roi_ratios, timeframe_minutes):
    """First stoploss or ROI exit of a long trade entered at candle ``entry``.

    ``minutes`` are candle open times in minutes; ``roi_minutes`` is sorted ascending with
    ``roi_ratios`` beside it (Freqtrade's ``minimal_roi``). Stoploss is checked before ROI
    on each candle, as Freqtrade does, starting on the entry candle. Returns
    ``(exit_index, reason, close_rate)``; ``(-1, EXIT_NONE, nan)`` when no exit happens.
    """
    n = open_.shape[0]
    stop = open_rate * (1.0 - abs(stoploss))
    open_value = open_rate * (1.0 + fee)
    n_roi = roi_minutes.shape[0]
    for i in range(entry, n):
        if stop >= low[i]:
            rate = open_[i] if stop > high[i] else stop
            return i, EXIT_STOP_LOSS, rate
        dur = minutes[i] - minutes[entry]
        k = -1
        for j in range(n_roi):
            if roi_minutes[j] <= dur:
                k = j
        if k < 0:
            continue
        roi = roi_ratios[k]
        key = roi_minutes[k]
        on_grid = key % timeframe_minutes == 0
        if roi == -1.0 and on_grid:
            return i, EXIT_ROI, open_[i]
        best = np.round((high[i] * (1.0 - fee) - open_value) / open_value, 8)
        if best > roi:
            target = (1.0 + roi) * open_value / (1.0 - fee)
            if dur > 0 and dur == key and on_grid and open_[i] > target:
                return i, EXIT_ROI, open_[i]
            return i, EXIT_ROI, min(max(target, low[i]), high[i])
    return -1, EXIT_NONE, np.nan
