"""numpy versions of the backtest kernels (see ``ftaccel.kernels.backtest``)."""

import numpy as np

EXIT_NONE = 0
EXIT_ROI = 1
EXIT_STOP_LOSS = 2


def exit_scan(open_, high, low, minutes, entry, open_rate, fee, stoploss, roi_minutes,
              roi_ratios, timeframe_minutes):
    o, h, lo = open_[entry:], high[entry:], low[entry:]
    stop = open_rate * (1.0 - abs(stoploss))
    open_value = open_rate * (1.0 + fee)
    dur = minutes[entry:] - minutes[entry]
    # active ROI step per candle: the largest key <= duration
    step = np.searchsorted(roi_minutes, dur, side="right") - 1
    has_roi = step >= 0
    safe = np.where(has_roi, step, 0)
    roi = roi_ratios[safe] if roi_ratios.size else np.zeros(dur.size)
    key = roi_minutes[safe] if roi_minutes.size else np.zeros(dur.size, dtype=np.int64)
    on_grid = key % timeframe_minutes == 0
    best = np.round((h * (1.0 - fee) - open_value) / open_value, 8)
    force = has_roi & (roi == -1.0) & on_grid
    roi_hit = has_roi & (force | (best > roi))
    stop_hit = stop >= lo
    hits = np.flatnonzero(stop_hit | roi_hit)
    if hits.size == 0:
        return -1, EXIT_NONE, np.nan
    i = int(hits[0])
    if stop_hit[i]:
        return entry + i, EXIT_STOP_LOSS, float(o[i] if stop > h[i] else stop)
    if force[i]:
        return entry + i, EXIT_ROI, float(o[i])
    target = (1.0 + roi[i]) * open_value / (1.0 - fee)
    if dur[i] > 0 and dur[i] == key[i] and on_grid[i] and o[i] > target:
        return entry + i, EXIT_ROI, float(o[i])
    return entry + i, EXIT_ROI, float(min(max(target, lo[i]), h[i]))
