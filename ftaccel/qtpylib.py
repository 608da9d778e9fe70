"""technical.qtpylib's helpers with the same signatures and results, heavy parts compiled.

Done so far: typical_price, mid_price, true_range, atr (exp=False), crossed, crossed_above,
crossed_below, rolling_mean, rolling_std, rolling_min, rolling_max, sma.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._backend import family
from ._inputs import as_float_array

__all__ = ["typical_price", "mid_price", "true_range", "atr", "crossed", "crossed_above",
           "crossed_below", "rolling_mean", "rolling_std", "rolling_min", "rolling_max", "sma"]


def _window(window, name="window") -> int:
    if isinstance(window, (bool, np.bool_)) or not isinstance(window, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(window).__name__}")
    if window < 1:
        raise ValueError(f"{name} must be >= 1, got {window}")
    return int(window)


def _bars(bars, *cols):
    if not isinstance(bars, pd.DataFrame):
        raise TypeError(f"bars must be a DataFrame, got {type(bars).__name__}")
    missing = [c for c in cols if c not in bars.columns]
    if missing:
        raise ValueError(f"bars lacks columns {missing}")


def typical_price(bars):
    _bars(bars, "high", "low", "close")
    res = (bars["high"] + bars["low"] + bars["close"]) / 3.0
    return pd.Series(index=bars.index, data=res)


def mid_price(bars):
    _bars(bars, "high", "low")
    res = (bars["high"] + bars["low"]) / 2.0
    return pd.Series(index=bars.index, data=res)


def true_range(bars):
    _bars(bars, "high", "low", "close")
    out = family("indicators").call(
        "qt_true_range", as_float_array(bars["high"], "high"),
        as_float_array(bars["low"], "low"), as_float_array(bars["close"], "close"))
    return pd.Series(out, index=bars.index)


def atr(bars, window=14, exp=False):
    if exp:
        raise NotImplementedError("atr(exp=True) is not available yet in ftaccel.qtpylib")
    return pd.Series(rolling_mean(true_range(bars), _window(window)))


def crossed(series1, series2, direction=None):
    if isinstance(series1, np.ndarray):
        series1 = pd.Series(series1)
    if isinstance(series2, (float, int, np.ndarray, np.integer, np.floating)):
        series2 = pd.Series(index=series1.index, data=series2)
    if direction is None or direction == "above":
        above = pd.Series((series1 > series2) & (series1.shift(1) <= series2.shift(1)))
    if direction is None or direction == "below":
        below = pd.Series((series1 < series2) & (series1.shift(1) >= series2.shift(1)))
    if direction is None:
        return above | below
    return above if direction == "above" else below


def crossed_above(series1, series2):
    return crossed(series1, series2, "above")


def crossed_below(series1, series2):
    return crossed(series1, series2, "below")


def _full_window(series, window, ddof_std):
    out = family("indicators").call("qt_window_stat", as_float_array(series, "series"),
                                    window, ddof_std)
    if isinstance(series, pd.Series):
        return pd.Series(index=series.index, data=out)
    return out


def rolling_std(series, window=200, min_periods=None):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if min_periods == window and len(series) > window:
        return _full_window(series, window, 1)
    return pd.Series(series).rolling(window=window, min_periods=min_periods).std() \
        if not isinstance(series, pd.Series) else \
        series.rolling(window=window, min_periods=min_periods).std()


def rolling_mean(series, window=200, min_periods=None):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if min_periods == window and len(series) > window:
        return _full_window(series, window, -1)
    return pd.Series(series).rolling(window=window, min_periods=min_periods).mean() \
        if not isinstance(series, pd.Series) else \
        series.rolling(window=window, min_periods=min_periods).mean()


def rolling_min(series, window=14, min_periods=None):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    return series.rolling(window=window, min_periods=min_periods).min()


def rolling_max(series, window=14, min_periods=None):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    return series.rolling(window=window, min_periods=min_periods).max()


def sma(series, window=200, min_periods=None):
    return rolling_mean(series, window=window, min_periods=min_periods)
