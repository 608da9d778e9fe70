"""numpy/pandas versions of the indicator kernels (see ``ftaccel.kernels.indicators``)."""

import numpy as np
import pandas as pd


def _nan_head(n, upto):
    out = np.empty(n)
    out[: min(upto, n)] = np.nan
    return out


def _first_valid(*arrays):
    n = arrays[0].shape[0]
    if n == 0:
        return 0
    ok = ~np.logical_or.reduce([np.isnan(a) for a in arrays])
    return int(ok.argmax()) if ok.any() else n - 1


first_valid1 = first_valid2 = first_valid3 = first_valid4 = _first_valid


def sma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real[start:]
    windows = np.lib.stride_tricks.sliding_window_view(x, timeperiod)
    with np.errstate(invalid="ignore"):
        out[first:] = windows.sum(axis=1) / timeperiod
    # TA-Lib keeps a running total: once a NaN enters it, or an inf leaves it, the
    # total is NaN for good.
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        j = bad[0]
        poisoned = j if np.isnan(x[j]) else j + timeperiod
        out[max(first, start + poisoned) :] = np.nan
    return out


def rsi(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    with np.errstate(invalid="ignore"):
        diff = np.diff(real[start:])
        gains = np.where(diff > 0.0, diff, 0.0)
        losses = gains - diff
    # Seed with the mean of the first `timeperiod` moves, then Wilder's smoothing
    # (an EMA with alpha = 1/timeperiod).
    seeded_g = np.concatenate(([gains[:timeperiod].sum() / timeperiod], gains[timeperiod:]))
    seeded_l = np.concatenate(([losses[:timeperiod].sum() / timeperiod], losses[timeperiod:]))
    alpha = 1.0 / timeperiod
    avg_g = pd.Series(seeded_g).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    avg_l = pd.Series(seeded_l).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    total = avg_g + avg_l
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(total > 0.0, 100.0 * avg_g / total, 0.0)
    # A non-finite move makes TA-Lib's running averages NaN (or inf/inf): 0 from there on.
    bad = np.flatnonzero(~np.isfinite(diff))
    if bad.size:
        values[max(bad[0] - timeperiod + 1, 0) :] = 0.0
    out[first:] = values
    return out
