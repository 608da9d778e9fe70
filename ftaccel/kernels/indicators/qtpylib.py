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
