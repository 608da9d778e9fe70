"""Kernels behind ftaccel.qtpylib (technical.qtpylib's helpers, pandas semantics)."""

import numpy as np

from .. import export, helper

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


@helper
def _qt_term(v, center):
    if center != center:
        return v
    d = v - center
    return d * d


@helper
def _qt_pairwise(w, lo, hi, center):
    """numpy's pairwise sum of ``w[lo:hi]`` (of ``(w - center)**2`` when ``center`` is not
    NaN), in numpy's exact order: eight accumulators per block of up to 128, halves above."""
    n = hi - lo
    if n < 8:
        res = 0.0
        for j in range(lo, hi):
            res += _qt_term(w[j], center)
        return res
    if n <= 128:
        r0 = _qt_term(w[lo], center)
        r1 = _qt_term(w[lo + 1], center)
        r2 = _qt_term(w[lo + 2], center)
        r3 = _qt_term(w[lo + 3], center)
        r4 = _qt_term(w[lo + 4], center)
        r5 = _qt_term(w[lo + 5], center)
        r6 = _qt_term(w[lo + 6], center)
        r7 = _qt_term(w[lo + 7], center)
        i = lo + 8
        stop = hi - n % 8
        while i < stop:
            r0 += _qt_term(w[i], center)
            r1 += _qt_term(w[i + 1], center)
            r2 += _qt_term(w[i + 2], center)
            r3 += _qt_term(w[i + 3], center)
            r4 += _qt_term(w[i + 4], center)
            r5 += _qt_term(w[i + 5], center)
            r6 += _qt_term(w[i + 6], center)
            r7 += _qt_term(w[i + 7], center)
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < hi:
            res += _qt_term(w[i], center)
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _qt_pairwise(w, lo, lo + n2, center) + _qt_pairwise(w, lo + n2, hi, center)


@export("f8[::1](f8[::1], i8, i8)")
def qt_window_stat(real, window, ddof_std):
    """Full-window mean (ddof_std < 0) or std with ddof=ddof_std exactly as numpy computes
    them over the sliding windows (qtpylib's numpy path): pairwise sums, two passes; a NaN
    or inf in a window gives NaN (or the infinity, for the mean)."""
    n = real.shape[0]
    out = np.empty(n)
    for i in range(min(window - 1, n)):
        out[i] = NAN
    for i in range(window - 1, n):
        lo = i - window + 1
        mean = _qt_pairwise(real, lo, i + 1, NAN) / window
        if ddof_std < 0:
            out[i] = mean
        else:
            out[i] = np.sqrt(_qt_pairwise(real, lo, i + 1, mean) / (window - ddof_std))
    return out


@helper
def _qt_prep(val):
    """pandas' rolling treats +-inf as missing."""
    return NAN if np.isinf(val) else val


INV_COND_TOL = np.finfo(np.float64).eps * 1e3  # pandas: fewer than 3 digits left


@helper
def _qt_add_var(val, nobs, mean_x, ssqdm, comp, unstable):
    """pandas' add_var: Welford with Kahan compensation; flags a cancellation."""
    if val == val:
        prev_m2 = ssqdm
        nobs += 1.0
        prev_mean = mean_x - comp
        y = val - comp
        t = y - mean_x
        comp = t + mean_x - y
        mean_x = mean_x + t / nobs
        ssqdm = ssqdm + (val - prev_mean) * (val - mean_x)
        if prev_m2 * INV_COND_TOL > ssqdm:
            unstable = True
    return nobs, mean_x, ssqdm, comp, unstable


@helper
def _qt_rolling_std(real, window, min_periods, ddof):
    n = real.shape[0]
    out = np.empty(n)
    if min_periods < 1:
        min_periods = 1
    nobs = 0.0
    mean_x = 0.0
    ssqdm = 0.0
    comp_add = 0.0
    comp_rem = 0.0
    unstable = False
    for i in range(n):
        s = max(i - window + 1, 0)
        recompute = i == 0 or window <= 1
        if not recompute and i >= window:  # remove the value that left the window
            val = _qt_prep(real[i - window])
            if val == val:
                nobs -= 1.0
                if nobs:
                    prev_m2 = ssqdm
                    prev_mean = mean_x - comp_rem
                    y = val - comp_rem
                    t = y - mean_x
                    comp_rem = t + mean_x - y
                    mean_x = mean_x - t / nobs
                    ssqdm = ssqdm - (val - prev_mean) * (val - mean_x)
                    if prev_m2 * INV_COND_TOL > ssqdm:
                        unstable = True
                else:
                    mean_x = 0.0
                    ssqdm = 0.0
                    unstable = False
        if not recompute:
            nobs, mean_x, ssqdm, comp_add, unstable = _qt_add_var(
                _qt_prep(real[i]), nobs, mean_x, ssqdm, comp_add, unstable)
        if recompute or unstable:
            nobs = 0.0
            mean_x = 0.0
            ssqdm = 0.0
            comp_add = 0.0
            comp_rem = 0.0
            for j in range(s, i + 1):
                nobs, mean_x, ssqdm, comp_add, unstable = _qt_add_var(
                    _qt_prep(real[j]), nobs, mean_x, ssqdm, comp_add, unstable)
            unstable = False
        if nobs >= min_periods and nobs > ddof:
            var = ssqdm / (nobs - ddof)
            out[i] = np.sqrt(var) if var > 0.0 else 0.0
        else:
            out[i] = NAN
    return out


@helper
def _qt_rolling_mean(real, window, min_periods):
    n = real.shape[0]
    out = np.empty(n)
    nobs = 0
    neg_ct = 0
    same = 0
    sum_x = 0.0
    comp_add = 0.0
    comp_rem = 0.0
    prev_value = _qt_prep(real[0]) if n > 0 else 0.0
    for i in range(n):
        if i >= window:  # remove the value that left the window
            val = _qt_prep(real[i - window])
            if val == val:
                nobs -= 1
                y = -val - comp_rem
                t = sum_x + y
                comp_rem = t - sum_x - y
                sum_x = t
                if np.signbit(val):
                    neg_ct -= 1
        val = _qt_prep(real[i])
        if val == val:
            nobs += 1
            y = val - comp_add
            t = sum_x + y
            comp_add = t - sum_x - y
            sum_x = t
            if np.signbit(val):
                neg_ct += 1
            if val == prev_value:
                same += 1
            else:
                same = 1
            prev_value = val
        if nobs >= min_periods and nobs > 0:
            result = sum_x / nobs
            if same >= nobs:
                result = prev_value
            elif neg_ct == 0 and result < 0.0:
                result = 0.0
            elif neg_ct == nobs and result > 0.0:
                result = 0.0
            out[i] = result
        else:
            out[i] = NAN
    return out


@export("f8[::1](f8[::1], i8, i8, i8)")
def qt_rolling(real, window, min_periods, ddof):
    """pandas' ``Series.rolling(window, min_periods).mean()`` (``ddof < 0``) or ``.std(ddof)``.

    pandas' own O(n) algorithms, step for step: a Kahan-compensated running sum with its
    sign clamps and exact answer for a window of one repeated value (mean); Welford's
    update with compensation, recomputing a window after a cancellation, ``sqrt`` of a
    negative variance as 0 (std). NaN and +-inf are skipped.
    """
    if ddof < 0:
        return _qt_rolling_mean(real, window, min_periods)
    return _qt_rolling_std(real, window, min_periods, ddof)


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
