"""numpy/pandas versions of ``ftaccel.kernels.indicators.qtpylib``."""

import numpy as np
import pandas as pd

__all__ = ["qt_true_range", "qt_window_stat", "qt_rolling", "qt_rolling_mean_std", "qt_rsi",
           "qt_ha_open", "qt_heikinashi", "qt_typical_price", "qt_mid_price", "qt_crossed",
           "qt_rolling_minmax", "qt_ewm_mean", "qt_ewm_of_difference", "qt_zlema",
           "qt_rolling_sum", "qt_rolling_vwap", "qt_roc",
           "qt_returns", "qt_pvt", "qt_chop_ratio", "qt_stoch", "qt_window_mean_std"]


def qt_true_range(high, low, close):
    prev = pd.Series(close).shift(1)
    frame = pd.DataFrame({"hl": pd.Series(high) - pd.Series(low),
                          "hc": (pd.Series(high) - prev).abs(),
                          "lc": (pd.Series(low) - prev).abs()})
    return frame.max(axis=1).to_numpy(dtype=np.float64)


def qt_window_stat(real, window, ddof_std):
    out = np.full(len(real), np.nan)
    if window > len(real):
        return out
    view = np.lib.stride_tricks.sliding_window_view(real, window)
    if ddof_std < 0:
        out[window - 1:] = view.mean(axis=-1)
    else:
        out[window - 1:] = view.std(axis=-1, ddof=ddof_std)
    return out


def qt_rolling(real, window, min_periods, ddof):
    rolling = pd.Series(real).rolling(window, min_periods=min_periods)
    result = rolling.mean() if ddof < 0 else rolling.std(ddof=ddof)
    return result.to_numpy(dtype=np.float64)


def qt_rolling_mean_std(real, window, min_periods, ddof):
    return (qt_rolling(real, window, min_periods, -1),
            qt_rolling(real, window, min_periods, ddof))


def qt_rsi(real, window):
    n = len(real)
    out = np.zeros(n)  # one row: NaN, as the reference's 0/0 seed
    deltas = np.diff(real)
    seed = deltas[: window + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ups = np.float64(seed[seed > 0].sum() / window)
        downs = np.float64(-seed[seed < 0].sum() / window)
        out[:window] = 100.0 - 100.0 / (1.0 + ups / downs)
        for i in range(window, n):
            delta = deltas[i - 1]
            upval, downval = (delta, 0.0) if delta > 0 else (0.0, -delta)
            ups = (ups * (window - 1) + upval) / window
            downs = (downs * (window - 1.0) + downval) / window
            out[i] = 100.0 - 100.0 / (1.0 + ups / downs)
    return out


def qt_ha_open(open_, close, ha_close):
    n = len(open_)
    out = np.empty(n)
    if n:
        out[0] = (open_[0] + close[0]) / 2
    for i in range(1, n):
        out[i] = (out[i - 1] + ha_close[i - 1]) / 2
    return out


def qt_heikinashi(open_, high, low, close):
    ha_close = (pd.Series(open_) + pd.Series(high) + pd.Series(low) + pd.Series(close)) / 4
    ha_open = pd.Series(qt_ha_open(open_, close, ha_close.to_numpy(dtype=np.float64)))
    frame = pd.DataFrame({"high": high, "low": low, "ha_open": ha_open, "ha_close": ha_close})
    return (ha_open.to_numpy(dtype=np.float64),
            frame[["high", "ha_open", "ha_close"]].max(axis=1).to_numpy(dtype=np.float64),
            frame[["low", "ha_open", "ha_close"]].min(axis=1).to_numpy(dtype=np.float64),
            ha_close.to_numpy(dtype=np.float64))


def qt_typical_price(high, low, close):
    return (high + low + close) / 3.0


def qt_mid_price(high, low):
    return (high + low) / 2.0


def qt_crossed(series1, series2, direction):
    out = np.zeros(len(series1), dtype=np.uint8)
    if len(series1) < 2:
        return out
    now1, now2, prev1, prev2 = series1[1:], series2[1:], series1[:-1], series2[:-1]
    hit = np.zeros(len(now1), dtype=bool)
    if direction >= 0:
        hit |= (now1 > now2) & (prev1 <= prev2)
    if direction <= 0:
        hit |= (now1 < now2) & (prev1 >= prev2)
    out[1:] = hit
    return out


def qt_rolling_minmax(real, window, min_periods, is_max):
    rolling = pd.Series(real).rolling(window, min_periods=min_periods)
    return (rolling.max() if is_max else rolling.min()).to_numpy(dtype=np.float64)


def qt_ewm_mean(real, com, min_periods):
    return pd.Series(real).ewm(com=com, min_periods=min_periods).mean().to_numpy(
        dtype=np.float64)


def qt_ewm_of_difference(real, scale, com1, min1, com2, min2, com3, min3):
    line = scale * qt_ewm_mean(real, com1, min1) - qt_ewm_mean(real, com2, min2)
    signal = qt_ewm_mean(line, com3, min3)
    return line, signal, line - signal


def qt_zlema(real, lag, com, min_periods):
    shifted = pd.Series(real).shift(lag).to_numpy(dtype=np.float64)
    return qt_ewm_mean(2 * real - shifted, com, min_periods)


def qt_rolling_sum(real, window, min_periods):
    return pd.Series(real).rolling(window, min_periods=min_periods).sum().to_numpy(
        dtype=np.float64)


def qt_rolling_vwap(high, low, close, volume, window, min_periods):
    volume = pd.Series(volume)
    typical = (pd.Series(high) + pd.Series(low) + pd.Series(close)) / 3
    left = (volume * typical).rolling(window, min_periods=min_periods).sum()
    right = volume.rolling(window, min_periods=min_periods).sum()
    return (left / right).replace([np.inf, -np.inf], np.nan).ffill().to_numpy(
        dtype=np.float64)


def qt_roc(real, window):
    shifted = pd.Series(real).shift(window).to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (real - shifted) / shifted


def qt_returns(real):
    out = np.full(len(real), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[1:] = real[1:] / real[:-1] - 1
    out[np.isinf(out)] = np.nan
    return out


def qt_pvt(close, volume):
    prev = pd.Series(close).shift(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = (pd.Series(close) - prev) / prev * pd.Series(volume)
    return trend.cumsum().to_numpy(dtype=np.float64)


def qt_chop_ratio(high, low, close, window):
    trsum = pd.Series(qt_true_range(high, low, close)).rolling(window).sum()
    highs = pd.Series(high).rolling(window).max()
    lows = pd.Series(low).rolling(window).min()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (trsum / (highs - lows)).to_numpy(dtype=np.float64)


def qt_stoch(high, low, close, window, d, k, fast):
    highs = pd.Series(high).rolling(window).max()
    lows = pd.Series(low).rolling(window).min()
    with np.errstate(divide="ignore", invalid="ignore"):
        fast_k = 100 * (pd.Series(close) - lows) / (highs - lows)
    if fast:
        first = fast_k
    else:
        first = fast_k.rolling(k).mean()
    second = first.rolling(d).mean()
    return first.to_numpy(dtype=np.float64), second.to_numpy(dtype=np.float64)


def qt_window_mean_std(real, window):
    return qt_window_stat(real, window, -1), qt_window_stat(real, window, 1)
