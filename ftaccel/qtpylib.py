"""technical.qtpylib's helpers with the same signatures and results, heavy parts compiled.

Done so far: typical_price, mid_price, true_range, atr (exp=False), crossed, crossed_above,
crossed_below, rolling_mean, rolling_std, rolling_min, rolling_max, sma,
rolling_weighted_mean, vwap, rolling_vwap, rsi, macd, bollinger_bands, returns, log_returns,
zscore, heikinashi, wma, hma, hull_moving_average, weighted_bollinger_bands,
keltner_channel, roc, cci, stoch, zlema, pvt, chopiness.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._backend import family
from ._inputs import as_float_array

__all__ = ["typical_price", "mid_price", "true_range", "atr", "crossed", "crossed_above",
           "crossed_below", "rolling_mean", "rolling_std", "rolling_min", "rolling_max", "sma",
           "rolling_weighted_mean", "vwap", "rolling_vwap", "rsi", "macd", "bollinger_bands",
           "returns", "log_returns", "zscore", "heikinashi", "wma", "hma",
           "hull_moving_average", "weighted_bollinger_bands", "keltner_channel", "roc", "cci",
           "stoch", "zlema", "pvt", "chopiness"]


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
    tr = true_range(bars)
    if exp:
        return pd.Series(rolling_weighted_mean(tr, window))
    return pd.Series(rolling_mean(tr, _window(window)))


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
    """qtpylib's numpy path (min_periods == window): NaN/inf in a window propagate."""
    values = as_float_array(series, "series")
    out = family("indicators").call("qt_window_stat", values, window, ddof_std)
    if isinstance(series, pd.Series):
        return pd.Series(index=series.index, data=out)
    return out


def _pandas_window(series, window, min_periods, ddof):
    """``Series.rolling(window, min_periods).mean()``/``.std(ddof)``, compiled; pandas
    itself answers arguments it would reject, so its errors are kept."""
    if (isinstance(min_periods, (bool, np.bool_))
            or not isinstance(min_periods, (int, np.integer))
            or not 0 <= min_periods <= window):
        rolling = (series if isinstance(series, pd.Series) else pd.Series(series)).rolling(
            window=window, min_periods=min_periods)
        return rolling.mean() if ddof < 0 else rolling.std(ddof=ddof)
    values = as_float_array(series, "series")
    out = family("indicators").call("qt_rolling", values, window, int(min_periods), ddof)
    if isinstance(series, pd.Series):
        return pd.Series(out, index=series.index, name=series.name)
    return pd.Series(out)


def rolling_std(series, window=200, min_periods=None):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if min_periods == window and len(series) > window:
        return _full_window(series, window, 1)
    return _pandas_window(series, window, min_periods, 1)


def rolling_mean(series, window=200, min_periods=None):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if min_periods == window and len(series) > window:
        return _full_window(series, window, -1)
    return _pandas_window(series, window, min_periods, -1)


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


def rolling_weighted_mean(series, window=200, min_periods=None):
    if isinstance(window, (bool, np.bool_)) or not isinstance(window, (int, float, np.number)):
        raise TypeError(f"window must be a number, got {type(window).__name__}")
    min_periods = window if min_periods is None else min_periods
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    return series.ewm(span=window, min_periods=min_periods).mean()


def vwap(bars):
    raise ValueError(
        "using `qtpylib.vwap` facilitates lookahead bias. Please use "
        "`qtpylib.rolling_vwap` instead, which calculates vwap in a rolling manner."
    )


def rolling_vwap(bars, window=200, min_periods=None):
    _bars(bars, "high", "low", "close", "volume")
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    typical = (bars["high"] + bars["low"] + bars["close"]) / 3
    volume = bars["volume"]
    left = (volume * typical).rolling(window=window, min_periods=min_periods).sum()
    right = volume.rolling(window=window, min_periods=min_periods).sum()
    return (pd.Series(index=bars.index, data=(left / right))
            .replace([np.inf, -np.inf], float("NaN")).ffill())


def rsi(series, window=14):
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series, got {type(series).__name__}")
    window = _window(window)
    out = family("indicators").call("qt_rsi", as_float_array(series, "series"), window)
    return pd.Series(index=series.index, data=out)


def macd(series, fast=3, slow=10, smooth=16):
    macd_line = (rolling_weighted_mean(series, window=fast)
                 - rolling_weighted_mean(series, window=slow))
    signal = rolling_weighted_mean(macd_line, window=smooth)
    histogram = macd_line - signal
    return pd.DataFrame(index=series.index, data={
        "macd": macd_line.values, "signal": signal.values, "histogram": histogram.values})


def bollinger_bands(series, window=20, stds=2):
    ma = rolling_mean(series, window=window, min_periods=1)
    std = rolling_std(series, window=window, min_periods=1)
    upper = ma + std * stds
    lower = ma - std * stds
    return pd.DataFrame(index=series.index, data={"upper": upper, "mid": ma, "lower": lower})


def returns(series):
    res = (series / series.shift(1) - 1).replace([np.inf, -np.inf], float("NaN"))
    return pd.Series(index=series.index, data=res)


def log_returns(series):
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.log(series / series.shift(1)).replace([np.inf, -np.inf], float("NaN"))
    return pd.Series(index=series.index, data=res)


def zscore(bars, window=20, stds=1, col="close"):
    window = _window(window)
    values = as_float_array(bars[col], col)
    std = family("indicators").call("qt_window_stat", values, window, 1)
    mean = family("indicators").call("qt_window_stat", values, window, -1)
    return (bars[col] - mean) / (std * stds)


def heikinashi(bars):
    """Heikin-Ashi candles. Positional: technical's uses ``bars.at[0, ...]`` and raises
    KeyError unless the index holds the label 0 (e.g. a DatetimeIndex); this one works."""
    _bars(bars, "open", "high", "low", "close")
    ha_close = (bars["open"] + bars["high"] + bars["low"] + bars["close"]) / 4
    ha_open = pd.Series(family("indicators").call(
        "qt_ha_open", as_float_array(bars["open"], "open"), as_float_array(bars["close"], "close"),
        as_float_array(ha_close, "ha_close")), index=bars.index)
    frame = pd.DataFrame({"high": bars["high"], "ha_open": ha_open, "ha_close": ha_close,
                          "low": bars["low"]}, index=bars.index)
    return pd.DataFrame(index=bars.index, data={
        "open": ha_open,
        "high": frame[["high", "ha_open", "ha_close"]].max(axis=1),
        "low": frame[["low", "ha_open", "ha_close"]].min(axis=1),
        "close": ha_close})


def hull_moving_average(series, window=200, min_periods=None):
    min_periods = window if min_periods is None else min_periods
    ma = (2 * rolling_weighted_mean(series, window / 2, min_periods)
          - rolling_weighted_mean(series, window, min_periods))
    return rolling_weighted_mean(ma, np.sqrt(window), min_periods)


def wma(series, window=200, min_periods=None):
    return rolling_weighted_mean(series, window=window, min_periods=min_periods)


def hma(series, window=200, min_periods=None):
    return hull_moving_average(series, window=window, min_periods=min_periods)


def weighted_bollinger_bands(series, window=20, stds=2):
    ema = rolling_weighted_mean(series, window=window)
    std = rolling_std(series, window=window)
    upper = ema + std * stds
    lower = ema - std * stds
    return pd.DataFrame(index=series.index, data={
        "upper": upper.values, "mid": ema.values, "lower": lower.values})


def keltner_channel(bars, window=14, atrs=2):
    typical_mean = rolling_mean(typical_price(bars), window)
    atrval = atr(bars, window) * atrs
    upper = typical_mean + atrval
    lower = typical_mean - atrval
    return pd.DataFrame(index=bars.index, data={
        "upper": upper.values, "mid": typical_mean.values, "lower": lower.values})


def roc(series, window=14):
    res = (series - series.shift(window)) / series.shift(window)
    return pd.Series(index=series.index, data=res)


def cci(series, window=14):
    price = typical_price(series)
    typical_mean = rolling_mean(price, window)
    res = (price - typical_mean) / (0.015 * np.std(typical_mean))
    return pd.Series(index=series.index, data=res)


def stoch(df, window=14, d=3, k=3, fast=False):
    _bars(df, "high", "low", "close")
    my_df = pd.DataFrame(index=df.index)
    my_df["rolling_max"] = df["high"].rolling(window).max()
    my_df["rolling_min"] = df["low"].rolling(window).min()
    my_df["fast_k"] = (100 * (df["close"] - my_df["rolling_min"])
                       / (my_df["rolling_max"] - my_df["rolling_min"]))
    my_df["fast_d"] = my_df["fast_k"].rolling(d).mean()
    if fast:
        return my_df.loc[:, ["fast_k", "fast_d"]]
    my_df["slow_k"] = my_df["fast_k"].rolling(k).mean()
    my_df["slow_d"] = my_df["slow_k"].rolling(d).mean()
    return my_df.loc[:, ["slow_k", "slow_d"]]


def zlema(series, window, min_periods=None):
    min_periods = window if min_periods is None else min_periods
    lag = (window - 1) // 2
    series = 2 * series - series.shift(lag)
    return wma(series, lag, min_periods)


def pvt(bars):
    _bars(bars, "close", "volume")
    trend = ((bars["close"] - bars["close"].shift(1)) / bars["close"].shift(1)) * bars["volume"]
    return trend.cumsum()


def chopiness(bars, window=14):
    atrsum = true_range(bars).rolling(window).sum()
    highs = bars["high"].rolling(window).max()
    lows = bars["low"].rolling(window).min()
    return 100 * np.log10(atrsum / (highs - lows)) / np.log10(window)
