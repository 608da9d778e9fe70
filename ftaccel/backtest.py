"""Signal backtests in compiled loops, reproducing Freqtrade's trades.

So far: :func:`exit_scan`, the per-candle stoploss/ROI exit rule of one long spot trade
at leverage 1, without tick rounding.
"""

from __future__ import annotations

import numpy as np

from . import _backend
from ._inputs import as_float_array, as_float_param, as_int_array, as_int_param, same_length

EXIT_REASONS = {0: None, 1: "roi", 2: "stop_loss"}


def _roi_table(minimal_roi):
    if not isinstance(minimal_roi, dict):
        raise TypeError("minimal_roi must be a dict {minutes: ratio}")
    try:
        items = sorted((int(k), float(v)) for k, v in minimal_roi.items())
    except (TypeError, ValueError) as exc:
        raise ValueError("minimal_roi keys must be whole minutes and values numbers") from exc
    if any(k < 0 for k, _ in items):
        raise ValueError("minimal_roi keys must be >= 0 minutes")
    keys = np.array([k for k, _ in items], dtype=np.int64)
    values = np.array([v for _, v in items], dtype=np.float64)
    return keys, values


def exit_scan(open, high, low, minutes, entry: int, open_rate: float, *, stoploss: float,
              minimal_roi: dict, fee: float = 0.0, timeframe_minutes: int = 5):
    """Where and why a long trade entered at candle ``entry`` leaves, by Freqtrade's rules.

    :param open, high, low: candle prices (same length)
    :param minutes: candle open times in whole minutes (any origin), ascending
    :param entry: index of the entry candle (entries fill at its open)
    :param open_rate: entry price
    :param stoploss: Freqtrade's ``stoploss`` ratio (e.g. -0.10); stop = rate * (1 - |s|)
    :param minimal_roi: Freqtrade's ``minimal_roi`` {minutes since entry: ratio}
    :param fee: fee ratio charged on entry and on exit
    :param timeframe_minutes: candle length in minutes
    :return: ``(exit_index, exit_reason, close_rate)``; ``(-1, None, nan)`` if the trade
        is still open at the last candle. Reasons: ``"stop_loss"``, ``"roi"``.
    """
    arrays = {"open": as_float_array(open, "open"), "high": as_float_array(high, "high"),
              "low": as_float_array(low, "low")}
    mins = as_int_array(minutes, "minutes")
    n = same_length({**arrays, "minutes": mins})
    entry = as_int_param(entry, "entry", 0, max(n - 1, 0))
    if n == 0:
        raise ValueError("no candles: open/high/low/minutes are empty")
    open_rate = as_float_param(open_rate, "open_rate", 0.0)
    if open_rate <= 0:
        raise ValueError("open_rate must be > 0")
    stoploss = as_float_param(stoploss, "stoploss", -1.0, 0.0)
    fee = as_float_param(fee, "fee", 0.0, 0.5)
    tf = as_int_param(timeframe_minutes, "timeframe_minutes", 1, 10**7)
    keys, values = _roi_table(minimal_roi)
    idx, reason, rate = _backend.family("backtest").call(
        "exit_scan", arrays["open"], arrays["high"], arrays["low"], mins, entry, open_rate,
        fee, stoploss, keys, values, tf)
    return int(idx), EXIT_REASONS[int(reason)], float(rate)
