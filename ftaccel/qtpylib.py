"""technical.qtpylib's helpers with the same signatures and results, compiled.

Every helper of technical.qtpylib is here (typical_price, mid_price, true_range, atr,
crossed, crossed_above, crossed_below, rolling_mean, rolling_std, rolling_min, rolling_max,
sma, rolling_weighted_mean, vwap, rolling_vwap, rsi, macd, bollinger_bands, returns,
log_returns, zscore, heikinashi, wma, hma, hull_moving_average, weighted_bollinger_bands,
keltner_channel, roc, cci, stoch, zlema, pvt, chopiness) and returns technical's values
bit for bit, with its index, name, dtype and return type: the float64 columns go to one
kernel over the raw arrays (pandas' own rolling/ewm algorithms, numpy's summation order)
and come back in one Series or one single-block DataFrame. Inputs of other dtypes
(float32, int, object) or arguments pandas would reject take technical's pandas
expressions, so their results and errors stay pandas'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _pandas as _pd
from ._backend import family
from ._inputs import as_float_array

_F8 = np.dtype(np.float64)
_NUMBER = (int, float, np.integer, np.floating)

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


def _call(kernel, *args):
    return family("indicators").call(kernel, *args)


def _number(value) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, (bool, np.bool_))


def _values(series):
    """The float64 values of a Series or 1-D ndarray without a copy, or None when they
    are something else (the caller then runs technical's pandas expression)."""
    arr = getattr(series, "_values", series) if isinstance(series, pd.Series) else series
    if isinstance(arr, np.ndarray) and arr.dtype == _F8 and arr.ndim == 1:
        return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)
    return None


def _cols(bars, *names):
    """Columns of ``bars`` as float64 arrays (no copy), or None when one of them is not a
    single float64 column. TypeError when bars is not a DataFrame, ValueError naming a
    missing column."""
    if not isinstance(bars, pd.DataFrame):
        raise TypeError(f"bars must be a DataFrame, got {type(bars).__name__}")
    out = []
    columns = bars.columns
    for name in names:
        try:
            loc = columns.get_loc(name)
        except KeyError:
            raise ValueError(f"bars lacks column {name!r}") from None
        except TypeError:
            return None
        if not isinstance(loc, int):
            return None
        try:
            arr = bars._get_column_array(loc)
        except AttributeError:  # pragma: no cover - a pandas without the accessor
            arr = bars.iloc[:, loc].to_numpy()
        arr = _values(arr)
        if arr is None:
            return None
        out.append(arr)
    return out


_series = _pd.series


def _frame(index, names, *arrays):
    """A DataFrame of float64 columns ``names`` in one block."""
    return _pd.frame(index, _pd.labels(*names), *arrays)


def _mean_values(values, window, min_periods):
    """technical's rolling_mean on an array: numpy's full windows when min_periods equals
    window and the series is longer, pandas' rolling mean otherwise."""
    if min_periods == window and len(values) > window:
        return _call("qt_window_stat", values, window, -1)
    return _call("qt_rolling", values, window, min_periods, -1)


def _std_values(values, window, min_periods):
    if min_periods == window and len(values) > window:
        return _call("qt_window_stat", values, window, 1)
    return _call("qt_rolling", values, window, min_periods, 1)


def _minp_ok(window, min_periods) -> bool:
    return (isinstance(min_periods, (int, np.integer))
            and not isinstance(min_periods, (bool, np.bool_)) and 0 <= min_periods <= window)


def _ewm_args(span, min_periods):
    """The kernels' ``(com, min_periods)`` for pandas' ``ewm(span=span,
    min_periods=min_periods)``, or None when span or min_periods are not plain numbers
    pandas accepts (the caller asks pandas)."""
    if not (_number(span) and span >= 1 and _number(min_periods)
            and np.isfinite(min_periods) and np.isfinite(span)):
        return None
    return float((span - 1) / 2), max(int(min_periods), 1)


def _ewm_values(values, span, min_periods):
    """pandas' ``ewm(span=span, min_periods=min_periods).mean()`` of an array, or None (see
    :func:`_ewm_args`)."""
    args = _ewm_args(span, min_periods)
    return None if args is None else _call("qt_ewm_mean", values, *args)


def _ewm_of_difference(values, scale, spans, min_periods):
    """``(line, signal, line - signal)``: line = ``scale * ewm(span0) - ewm(span1)`` of
    ``values``, signal its ``ewm(span2)``; None when pandas must answer."""
    args = [_ewm_args(s, m) for s, m in zip(spans, min_periods)]
    if None in args:
        return None
    return _call("qt_ewm_of_difference", values, float(scale), *(a for pair in args for a in pair))


def typical_price(bars):
    cols = _cols(bars, "high", "low", "close")
    if cols is None:
        res = (bars["high"] + bars["low"] + bars["close"]) / 3.0
        return pd.Series(index=bars.index, data=res)
    return _series(_call("qt_typical_price", *cols), bars.index)


def mid_price(bars):
    cols = _cols(bars, "high", "low")
    if cols is None:
        res = (bars["high"] + bars["low"]) / 2.0
        return pd.Series(index=bars.index, data=res)
    return _series(_call("qt_mid_price", *cols), bars.index)


def true_range(bars):
    cols = _cols(bars, "high", "low", "close")
    if cols is None:
        return pd.DataFrame({
            "hl": bars["high"] - bars["low"],
            "hc": abs(bars["high"] - bars["close"].shift(1)),
            "lc": abs(bars["low"] - bars["close"].shift(1))}).max(axis=1)
    return _series(_call("qt_true_range", *cols), bars.index)


def atr(bars, window=14, exp=False):
    cols = _cols(bars, "high", "low", "close")
    if cols is None:
        tr = true_range(bars)
        if exp:
            return pd.Series(rolling_weighted_mean(tr, window))
        return pd.Series(rolling_mean(tr, _window(window)))
    tr = _call("qt_true_range", *cols)
    if exp:
        out = _ewm_values(tr, window, window)
        if out is None:
            return pd.Series(rolling_weighted_mean(_series(tr, bars.index), window))
        return _series(out, bars.index)
    window = _window(window)
    return _series(_mean_values(tr, window, window), bars.index)


def _crossed_fast(series1, series2, direction):
    code = 0 if direction is None else 1 if direction == "above" else (
        -1 if direction == "below" else None)
    a = _values(series1)
    if code is None or a is None:
        return None
    if isinstance(series1, pd.Series):
        index, name = series1.index, series1.name
    else:
        index, name = pd.RangeIndex(len(a)), None
    if isinstance(series2, pd.Series):
        b = _values(series2)
        if b is None or not (series2.index is index or series2.index.equals(index)):
            return None
        try:
            if not (series2.name is name or series2.name == name):
                name = None
        except (TypeError, ValueError):
            return None
        if not isinstance(name, (str, int, float, type(None))):
            return None
    elif isinstance(series2, np.ndarray):
        b = _values(series2)
        if b is None or len(b) != len(a):
            return None
        name = None
    elif isinstance(series2, (float, np.floating)) or (
            _number(series2) and abs(series2) <= 2**53):
        b = np.full(len(a), float(series2))
        name = None
    else:
        return None
    return _series(_call("qt_crossed", a, b, code).view(np.bool_), index, name)


def crossed(series1, series2, direction=None):
    fast = _crossed_fast(series1, series2, direction)
    if fast is not None:
        return fast
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
    values = _values(series)
    if values is None:
        out = _numpy_window(series, window, ddof_std)
    else:
        out = _call("qt_window_stat", values, window, ddof_std)
    if isinstance(series, pd.Series):
        return _series(out, series.index)
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
    values = _values(series)
    if values is None:
        values = as_float_array(series, "series")
    out = _call("qt_rolling", values, window, int(min_periods), ddof)
    if isinstance(series, pd.Series):
        return _series(out, series.index, series.name)
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


def _rolling_extreme(series, window, min_periods, is_max):
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    values = _values(series)
    if values is not None and _minp_ok(window, min_periods):
        out = _call("qt_rolling_minmax", values, window, int(min_periods), is_max)
        if isinstance(series, pd.Series):
            return _series(out, series.index, series.name)
        return _series(out, pd.RangeIndex(len(out)))
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    rolling = series.rolling(window=window, min_periods=min_periods)
    return rolling.max() if is_max else rolling.min()


def rolling_min(series, window=14, min_periods=None):
    return _rolling_extreme(series, window, min_periods, 0)


def rolling_max(series, window=14, min_periods=None):
    return _rolling_extreme(series, window, min_periods, 1)


def sma(series, window=200, min_periods=None):
    return rolling_mean(series, window=window, min_periods=min_periods)


def rolling_weighted_mean(series, window=200, min_periods=None):
    if isinstance(window, (bool, np.bool_)) or not isinstance(window, (int, float, np.number)):
        raise TypeError(f"window must be a number, got {type(window).__name__}")
    min_periods = window if min_periods is None else min_periods
    if not isinstance(series, pd.Series):
        series = pd.Series(series)
    values = _values(series)
    if values is not None:
        out = _ewm_values(values, window, min_periods)
        if out is not None:
            return _series(out, series.index, series.name)
    return series.ewm(span=window, min_periods=min_periods).mean()


def vwap(bars):
    raise ValueError(
        "using `qtpylib.vwap` facilitates lookahead bias. Please use "
        "`qtpylib.rolling_vwap` instead, which calculates vwap in a rolling manner."
    )


def rolling_vwap(bars, window=200, min_periods=None):
    cols = _cols(bars, "high", "low", "close", "volume")
    window = _window(window)
    min_periods = window if min_periods is None else min_periods
    if cols is not None and _minp_ok(window, min_periods):
        return _series(_call("qt_rolling_vwap", *cols, window, int(min_periods)), bars.index)
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
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None:
        spans = (fast, slow, smooth)
        out = _ewm_of_difference(values, 1.0, spans, spans)
        if out is not None:
            return _frame(series.index, ["macd", "signal", "histogram"], *out)
    macd_line = (rolling_weighted_mean(series, window=fast)
                 - rolling_weighted_mean(series, window=slow))
    signal = rolling_weighted_mean(macd_line, window=smooth)
    histogram = macd_line - signal
    return pd.DataFrame(index=series.index, data={
        "macd": macd_line.values, "signal": signal.values, "histogram": histogram.values})


def bollinger_bands(series, window=20, stds=2):
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None and _number(stds):
        window = _window(window)
        if window == 1 and len(values) > 1:  # technical's numpy full-window path
            ma = _mean_values(values, window, 1)
            std = _std_values(values, window, 1)
        else:  # pandas' rolling mean and std, one pass
            ma, std = _call("qt_rolling_mean_std", values, window, 1, 1)
        return _frame(series.index, ["upper", "mid", "lower"],
                      ma + std * stds, ma, ma - std * stds)
    ma = rolling_mean(series, window=window, min_periods=1)
    std = rolling_std(series, window=window, min_periods=1)
    upper = ma + std * stds
    lower = ma - std * stds
    return pd.DataFrame(index=series.index, data={"upper": upper, "mid": ma, "lower": lower})


def returns(series):
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None:
        return _series(_call("qt_returns", values), series.index, series.name)
    res = (series / series.shift(1) - 1).replace([np.inf, -np.inf], float("NaN"))
    return pd.Series(index=series.index, data=res)


def log_returns(series):
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None:
        out = np.empty(len(values))
        if len(values):
            out[0] = np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(values[1:], values[:-1], out=out[1:])
            np.log(out, out=out)
        out[np.isinf(out)] = np.nan
        return _series(out, series.index, series.name)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.log(series / series.shift(1)).replace([np.inf, -np.inf], float("NaN"))
    return pd.Series(index=series.index, data=res)


def zscore(bars, window=20, stds=1, col="close"):
    window = _window(window)
    cols = _cols(bars, col) if _number(stds) else None
    if cols is not None:
        values = cols[0]
        if window > len(values):
            raise ValueError(f"window {window} is longer than the series ({len(values)})")
        mean, std = _call("qt_window_mean_std", values, window)
        return _series((values - mean) / (std * stds), bars.index, col)
    mean = _numpy_window(bars[col], window, -1)
    std = _numpy_window(bars[col], window, 1)
    return (bars[col] - mean) / (std * stds)


def _numpy_window(series, window, ddof_std):
    """technical's numpy path on values that are not float64 (float32 keeps its own
    arithmetic): mean or std (ddof 1) of every full window, NaN-headed float64."""
    raw = series.to_numpy() if isinstance(series, pd.Series) else np.asarray(series)
    if raw.ndim != 1 or raw.dtype.kind not in "fiu":
        raw = as_float_array(series, "series")
    if window > len(raw):
        raise ValueError(f"window {window} is longer than the series ({len(raw)})")
    view = np.lib.stride_tricks.sliding_window_view(raw, window)
    out = np.full(len(raw), np.nan)
    out[window - 1:] = view.mean(axis=-1) if ddof_std < 0 else view.std(axis=-1, ddof=1)
    return out


def heikinashi(bars):
    """Heikin-Ashi candles. Positional: technical's uses ``bars.at[0, ...]`` and raises
    KeyError unless the index holds the label 0 (e.g. a DatetimeIndex); this one works."""
    cols = _cols(bars, "open", "high", "low", "close")
    if cols is not None:
        return _frame(bars.index, ["open", "high", "low", "close"],
                      *_call("qt_heikinashi", *cols))
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
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None and _number(window) and window >= 2:
        out = _ewm_of_difference(values, 2.0, (window / 2, window, np.sqrt(window)),
                                 (min_periods,) * 3)
        if out is not None:
            return _series(out[1], series.index, series.name)
    ma = (2 * rolling_weighted_mean(series, window / 2, min_periods)
          - rolling_weighted_mean(series, window, min_periods))
    return rolling_weighted_mean(ma, np.sqrt(window), min_periods)


def wma(series, window=200, min_periods=None):
    return rolling_weighted_mean(series, window=window, min_periods=min_periods)


def hma(series, window=200, min_periods=None):
    return hull_moving_average(series, window=window, min_periods=min_periods)


def weighted_bollinger_bands(series, window=20, stds=2):
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None and _number(stds):
        window = _window(window)
        ema = _ewm_values(values, window, window)
        std = _std_values(values, window, window)
        return _frame(series.index, ["upper", "mid", "lower"],
                      ema + std * stds, ema, ema - std * stds)
    ema = rolling_weighted_mean(series, window=window)
    std = rolling_std(series, window=window)
    upper = ema + std * stds
    lower = ema - std * stds
    return pd.DataFrame(index=series.index, data={
        "upper": upper.values, "mid": ema.values, "lower": lower.values})


def keltner_channel(bars, window=14, atrs=2):
    cols = _cols(bars, "high", "low", "close")
    if cols is not None and _number(atrs):
        window = _window(window)
        typical_mean = _mean_values(_call("qt_typical_price", *cols), window, window)
        atrval = _mean_values(_call("qt_true_range", *cols), window, window) * atrs
        return _frame(bars.index, ["upper", "mid", "lower"],
                      typical_mean + atrval, typical_mean, typical_mean - atrval)
    typical_mean = rolling_mean(typical_price(bars), window)
    atrval = atr(bars, window) * atrs
    upper = typical_mean + atrval
    lower = typical_mean - atrval
    return pd.DataFrame(index=bars.index, data={
        "upper": upper.values, "mid": typical_mean.values, "lower": lower.values})


def roc(series, window=14):
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None and isinstance(window, (int, np.integer)) and not isinstance(
            window, (bool, np.bool_)):
        shift = max(-len(values), min(int(window), len(values)))
        return _series(_call("qt_roc", values, shift), series.index, series.name)
    res = (series - series.shift(window)) / series.shift(window)
    return pd.Series(index=series.index, data=res)


def cci(series, window=14):
    cols = _cols(series, "high", "low", "close")
    if cols is not None:
        window = _window(window)
        price = _call("qt_typical_price", *cols)
        typical_mean = _mean_values(price, window, window)
        std = _nanstd(typical_mean)
        return _series((price - typical_mean) / (0.015 * std), series.index)
    price = typical_price(series)
    typical_mean = rolling_mean(price, window)
    res = (price - typical_mean) / (0.015 * np.std(typical_mean))
    return pd.Series(index=series.index, data=res)


def _positive_int(value) -> bool:
    return (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
            and value >= 1)


def stoch(df, window=14, d=3, k=3, fast=False):
    cols = _cols(df, "high", "low", "close")
    if cols is not None and _positive_int(window) and _positive_int(d) and _positive_int(k):
        first, second = _call("qt_stoch", *cols, int(window), int(d), int(k), int(bool(fast)))
        names = ["fast_k", "fast_d"] if fast else ["slow_k", "slow_d"]
        return _frame(df.index, names, first, second)
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
    values = _values(series) if isinstance(series, pd.Series) else None
    if values is not None and _positive_int(window) and window >= 3:
        lag = (int(window) - 1) // 2
        args = _ewm_args(lag, min_periods)
        if args is not None:
            return _series(_call("qt_zlema", values, lag, *args), series.index, series.name)
    lag = (window - 1) // 2
    series = 2 * series - series.shift(lag)
    return wma(series, lag, min_periods)


def pvt(bars):
    cols = _cols(bars, "close", "volume")
    if cols is not None:
        return _series(_call("qt_pvt", *cols), bars.index)
    trend = ((bars["close"] - bars["close"].shift(1)) / bars["close"].shift(1)) * bars["volume"]
    return trend.cumsum()


def chopiness(bars, window=14):
    cols = _cols(bars, "high", "low", "close")
    if cols is not None and _positive_int(window):
        ratio = _call("qt_chop_ratio", *cols, int(window))
        with np.errstate(divide="ignore", invalid="ignore"):
            return _series(100 * np.log10(ratio) / np.log10(window), bars.index)
    atrsum = true_range(bars).rolling(window).sum()
    highs = bars["high"].rolling(window).max()
    lows = bars["low"].rolling(window).min()
    return 100 * np.log10(atrsum / (highs - lows)) / np.log10(window)


def _nanstd(values):
    """``np.std`` of a float Series (pandas' nanstd, ddof=0, NaN skipped), on an array."""
    try:
        from pandas.core import nanops
        return nanops.nanstd(values, skipna=True, ddof=0)
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - other pandas
        return np.std(pd.Series(values))
