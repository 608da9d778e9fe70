"""numpy/pandas versions of ``ftaccel.kernels.indicators.qtpylib``."""

import numpy as np
import pandas as pd

__all__ = ["qt_true_range", "qt_window_stat", "qt_rolling", "qt_rsi",
           "qt_ha_open"]


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


def qt_rsi(real, window):
    n = len(real)
    out = np.zeros(n)
    if n < 2:
        return out
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
