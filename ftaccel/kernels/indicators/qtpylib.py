"""Kernels behind ftaccel.qtpylib (technical.qtpylib's helpers, pandas semantics)."""

import numpy as np

from .. import export

NAN = np.nan


@export("f8[::1](f8[::1], f8[::1], f8[::1])")
def qt_true_range(high, low, close):
    """max(high-low, |high-prev close|, |low-prev close|), skipping NaN terms (pandas max)."""
    n = high.shape[0]
    out = np.empty(n)
    for i in range(n):
        best = NAN
        a = high[i] - low[i]
        if a == a:
            best = a
        if i > 0:
            b = abs(high[i] - close[i - 1])
            if b == b and (best != best or b > best):
                best = b
            c = abs(low[i] - close[i - 1])
            if c == c and (best != best or c > best):
                best = c
        out[i] = best
    return out


@export("f8[::1](f8[::1], i8, i8)")
def qt_window_stat(real, window, ddof_std):
    """Full-window mean (ddof_std < 0) or std with ddof=ddof_std; NaN in a window gives NaN."""
    n = real.shape[0]
    out = np.empty(n)
    for i in range(min(window - 1, n)):
        out[i] = NAN
    for i in range(window - 1, n):
        total = 0.0
        for j in range(i - window + 1, i + 1):
            total += real[j]
        mean = total / window
        if ddof_std < 0:
            out[i] = mean
        else:
            ss = 0.0
            for j in range(i - window + 1, i + 1):
                d = real[j] - mean
                ss += d * d
            out[i] = np.sqrt(ss / (window - ddof_std))
    return out


@export("f8[::1](f8[::1], i8)")
def qt_rsi(real, window):
    """qtpylib's rsi: seed of window+1 deltas over window, then Wilder smoothing."""
    n = real.shape[0]
    out = np.zeros(n)
    if n < 2:
        return out
    ups = 0.0
    downs = 0.0
    for k in range(min(window + 1, n - 1)):
        d = real[k + 1] - real[k]
        if d > 0:
            ups += d
        elif d < 0:
            downs -= d
    ups = ups / window
    downs = downs / window
    first = 100.0 - 100.0 / (1.0 + ups / downs)
    for i in range(min(window, n)):
        out[i] = first
    for i in range(window, n):
        d = real[i] - real[i - 1]
        if d > 0:
            upval = d
            downval = 0.0
        else:
            upval = 0.0
            downval = -d
        ups = (ups * (window - 1) + upval) / window
        downs = (downs * (window - 1.0) + downval) / window
        out[i] = 100.0 - 100.0 / (1.0 + ups / downs)
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1])")
def qt_ha_open(open_, close, ha_close):
    """Heikin-Ashi open: (open0 + close0)/2, then mean of the previous HA open and close."""
    n = open_.shape[0]
    out = np.empty(n)
    if n == 0:
        return out
    out[0] = (open_[0] + close[0]) / 2
    for i in range(1, n):
        out[i] = (out[i - 1] + ha_close[i - 1]) / 2
    return out
