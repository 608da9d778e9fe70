"""numpy/pandas versions of ``ftaccel.kernels.indicators.qtpylib``."""

import numpy as np
import pandas as pd

__all__ = ["qt_true_range", "qt_window_stat"]


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
