"""Kernels behind ftaccel.qtpylib (technical.qtpylib's helpers, pandas semantics)."""

import numpy as np

from .. import export, helper

NAN = np.nan


@export("f8[::1](f8[::1], f8[::1], f8[::1])")
def qt_true_range(high, low, close):
    """max(high-low, |high-prev close|, |low-prev close|), skipping NaN terms (pandas max)."""
    return _qt_true_range(high, low, close)


@helper
def _qt_true_range(high, low, close):
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
    NaN), one window (used above 128 values, where numpy halves the range)."""
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


@helper
def _qt_vsum(x, off, length, m, mean, sq):
    """``out[i]`` = numpy's pairwise sum of ``x[i+off : i+off+length]`` for ``i < m`` (of
    ``(x - mean[i]) ** 2`` when ``sq``), in numpy's exact order: a plain loop below 8
    values, eight strided accumulators up to 128, halves (multiples of 8) above. Up to
    128 values all ``m`` windows are summed at once, so the loops over ``i`` vectorise."""
    out = np.zeros(m)
    if length < 8:
        for j in range(length):
            if sq:
                for i in range(m):
                    d = x[i + off + j] - mean[i]
                    out[i] += d * d
            else:
                xv = x[off + j:off + j + m]  # a view from 0 (see _common)
                for i in range(m):
                    out[i] += xv[i]
        return out
    if length <= 128:
        acc = np.empty((8, m))
        stop = length - length % 8
        for k in range(8):
            row = acc[k]
            if sq:
                for i in range(m):
                    d = x[i + off + k] - mean[i]
                    row[i] = d * d
                for t in range(8, stop, 8):
                    for i in range(m):
                        d = x[i + off + t + k] - mean[i]
                        row[i] += d * d
            else:
                xv = x[off + k:off + k + m]
                for i in range(m):
                    row[i] = xv[i]
                for t in range(8, stop, 8):
                    xv = x[off + t + k:off + t + k + m]
                    for i in range(m):
                        row[i] += xv[i]
        for i in range(m):
            out[i] = (((acc[0, i] + acc[1, i]) + (acc[2, i] + acc[3, i]))
                      + ((acc[4, i] + acc[5, i]) + (acc[6, i] + acc[7, i])))
        for j in range(stop, length):
            if sq:
                for i in range(m):
                    d = x[i + off + j] - mean[i]
                    out[i] += d * d
            else:
                xv = x[off + j:off + j + m]
                for i in range(m):
                    out[i] += xv[i]
        return out
    for i in range(m):  # long windows: numpy's halving, window by window
        if sq:
            out[i] = _qt_pairwise(x, i + off, i + off + length, mean[i])
        else:
            out[i] = _qt_pairwise(x, i + off, i + off + length, NAN)
    return out


@helper
def _qt_window_stats(real, window, want_std, mean_out, std_out):
    """Fill ``mean_out`` (and ``std_out``, ddof=1, when ``want_std``) with numpy's mean
    and std over every full window (qtpylib's numpy path), NaN before ``window - 1``.
    Blocks of 1024 windows keep the work in cache."""
    n = real.shape[0]
    for i in range(min(window - 1, n)):
        mean_out[i] = NAN
        std_out[i] = NAN
    m = n - window + 1
    for i0 in range(0, max(m, 0), 1024):
        cnt = min(1024, m - i0)
        xs = real[i0:i0 + cnt + window - 1]
        sums = _qt_vsum(xs, 0, window, cnt, xs, False)
        for c in range(cnt):
            sums[c] = sums[c] / window
            mean_out[window - 1 + i0 + c] = sums[c]
        if want_std:
            ssd = _qt_vsum(xs, 0, window, cnt, sums, True)
            for c in range(cnt):
                std_out[window - 1 + i0 + c] = np.sqrt(ssd[c] / (window - 1))


@export("f8[::1](f8[::1], i8, i8)")
def qt_window_stat(real, window, ddof_std):
    """Full-window mean (ddof_std < 0) or std (ddof 1) exactly as numpy computes them over
    the sliding windows (qtpylib's numpy path): pairwise sums, two passes; a NaN or inf in
    a window gives NaN (or the infinity, for the mean)."""
    n = real.shape[0]
    mean = np.empty(n)
    std = np.empty(n)
    _qt_window_stats(real, window, ddof_std >= 0, mean, std)
    return std if ddof_std >= 0 else mean


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


def _make_rolling(want_mean, want_std):
    """pandas' rolling mean and/or std (``ddof``) in one loop, compiled once per constant
    pair of flags; returns ``(mean, std)`` (an unwanted one is the other array). The two
    running states are independent, so one pass gives each bit for bit what its own pass
    gives, with the two dependency chains overlapping."""

    def run(real, window, min_periods, ddof):
        n = real.shape[0]
        mean_out = np.empty(n)
        std_out = np.empty(n) if want_std and want_mean else mean_out
        # mean: pandas' roll_mean (Kahan sum, sign counts, run of one repeated value)
        m_nobs = 0
        neg_ct = 0
        same = 0
        sum_x = 0.0
        m_add = 0.0
        m_rem = 0.0
        prev_value = _qt_prep(real[0]) if n > 0 else 0.0
        # std: pandas' roll_var (Welford with compensation, recompute after cancellation)
        s_minp = max(min_periods, 1)
        nobs = 0.0
        mean_x = 0.0
        ssqdm = 0.0
        comp_add = 0.0
        comp_rem = 0.0
        unstable = False
        for i in range(n):
            val = _qt_prep(real[i])
            if i >= window:  # remove the value that left the window
                old = _qt_prep(real[i - window])
                if want_mean and old == old:
                    m_nobs -= 1
                    y = -old - m_rem
                    t = sum_x + y
                    m_rem = t - sum_x - y
                    sum_x = t
                    if np.signbit(old):
                        neg_ct -= 1
                if want_std and window > 1 and old == old:
                    nobs -= 1.0
                    if nobs:
                        prev_m2 = ssqdm
                        prev_mean = mean_x - comp_rem
                        y = old - comp_rem
                        t = y - mean_x
                        comp_rem = t + mean_x - y
                        mean_x = mean_x - t / nobs
                        ssqdm = ssqdm - (old - prev_mean) * (old - mean_x)
                        if prev_m2 * INV_COND_TOL > ssqdm:
                            unstable = True
                    else:
                        mean_x = 0.0
                        ssqdm = 0.0
                        unstable = False
            if want_mean:
                if val == val:
                    m_nobs += 1
                    y = val - m_add
                    t = sum_x + y
                    m_add = t - sum_x - y
                    sum_x = t
                    if np.signbit(val):
                        neg_ct += 1
                    if val == prev_value:
                        same += 1
                    else:
                        same = 1
                    prev_value = val
                if m_nobs >= min_periods and m_nobs > 0:
                    result = sum_x / m_nobs
                    if same >= m_nobs:
                        result = prev_value
                    elif neg_ct == 0 and result < 0.0:
                        result = 0.0
                    elif neg_ct == m_nobs and result > 0.0:
                        result = 0.0
                    mean_out[i] = result
                else:
                    mean_out[i] = NAN
            if want_std:
                recompute = i == 0 or window <= 1
                if not recompute:
                    nobs, mean_x, ssqdm, comp_add, unstable = _qt_add_var(
                        val, nobs, mean_x, ssqdm, comp_add, unstable)
                if recompute or unstable:
                    nobs = 0.0
                    mean_x = 0.0
                    ssqdm = 0.0
                    comp_add = 0.0
                    comp_rem = 0.0
                    for j in range(max(i - window + 1, 0), i + 1):
                        nobs, mean_x, ssqdm, comp_add, unstable = _qt_add_var(
                            _qt_prep(real[j]), nobs, mean_x, ssqdm, comp_add, unstable)
                    unstable = False
                if nobs >= s_minp and nobs > ddof:
                    var = ssqdm / (nobs - ddof)
                    std_out[i] = np.sqrt(var) if var > 0.0 else 0.0
                else:
                    std_out[i] = NAN
        return mean_out, std_out

    return helper(run)


_qt_rolling_mean_only = _make_rolling(True, False)
_qt_rolling_std_only = _make_rolling(False, True)
_qt_rolling_mean_std = _make_rolling(True, True)


@helper
def _qt_rolling_mean(real, window, min_periods):
    return _qt_rolling_mean_only(real, window, min_periods, 0)[0]


@export("f8[::1](f8[::1], i8, i8, i8)")
def qt_rolling(real, window, min_periods, ddof):
    """pandas' ``Series.rolling(window, min_periods).mean()`` (``ddof < 0``) or ``.std(ddof)``.

    pandas' own O(n) algorithms, step for step: a Kahan-compensated running sum with its
    sign clamps and exact answer for a window of one repeated value (mean); Welford's
    update with compensation, recomputing a window after a cancellation, ``sqrt`` of a
    negative variance as 0 (std). NaN and +-inf are skipped.
    """
    if ddof < 0:
        return _qt_rolling_mean_only(real, window, min_periods, 0)[0]
    return _qt_rolling_std_only(real, window, min_periods, ddof)[1]


@export("UniTuple(f8[::1], 2)(f8[::1], i8, i8, i8)")
def qt_rolling_mean_std(real, window, min_periods, ddof):
    """``(rolling mean, rolling std(ddof))`` as :func:`qt_rolling` gives them, from one
    pass (bollinger_bands)."""
    return _qt_rolling_mean_std(real, window, min_periods, ddof)


@export("f8[::1](f8[::1], i8)")
def qt_rsi(real, window):
    """qtpylib's rsi: seed of window+1 deltas over window, then Wilder smoothing."""
    n = real.shape[0]
    out = np.zeros(n)  # one row: NaN, as the reference's 0/0 seed
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


@export("UniTuple(f8[::1], 4)(f8[::1], f8[::1], f8[::1], f8[::1])")
def qt_heikinashi(open_, high, low, close):
    """Heikin-Ashi open, high, low, close as qtpylib computes them: close ``(o + h + l +
    c) / 4``, open as :func:`qt_ha_open`, high/low the max/min of (high or low, HA open,
    HA close) skipping NaN (pandas' ``max(axis=1)``: NaN only where all three are)."""
    n = open_.shape[0]
    ha_open = np.empty(n)
    ha_high = np.empty(n)
    ha_low = np.empty(n)
    ha_close = np.empty(n)
    prev_open = 0.0
    prev_close = 0.0
    for i in range(n):
        c = (((open_[i] + high[i]) + low[i]) + close[i]) / 4
        o = (open_[0] + close[0]) / 2 if i == 0 else (prev_open + prev_close) / 2
        ha_open[i] = o
        ha_close[i] = c
        prev_open = o
        prev_close = c
        ha_high[i] = _qt_nan_extreme(high[i], o, c, True)
        ha_low[i] = _qt_nan_extreme(low[i], o, c, False)
    return ha_open, ha_high, ha_low, ha_close


@helper
def _qt_nan_extreme(a, b, c, is_max):
    """numpy's ``maximum``/``minimum`` reduced over (a, b, c) with NaN as -inf/+inf, NaN
    when all three are NaN (pandas' row-wise max/min)."""
    fill = -np.inf if is_max else np.inf
    if a != a and b != b and c != c:
        return NAN
    r = fill if a != a else a
    v = fill if b != b else b
    if is_max:
        r = r if r >= v else v
    else:
        r = r if r <= v else v
    v = fill if c != c else c
    if is_max:
        r = r if r >= v else v
    else:
        r = r if r <= v else v
    return r


@export("f8[::1](f8[::1], f8[::1], f8[::1])")
def qt_typical_price(high, low, close):
    """(high + low + close) / 3.0, element by element, in pandas' order."""
    n = high.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = (high[i] + low[i] + close[i]) / 3.0
    return out


@export("f8[::1](f8[::1], f8[::1])")
def qt_mid_price(high, low):
    """(high + low) / 2.0, element by element."""
    n = high.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = (high[i] + low[i]) / 2.0
    return out


@export("u1[::1](f8[::1], f8[::1], i8)")
def qt_crossed(series1, series2, direction):
    """1 where series1 crosses series2: above (direction 1: ``a > b`` now and ``a <= b``
    one bar earlier), below (-1), either (0). Comparisons with NaN are false."""
    n = series1.shape[0]
    out = np.zeros(n, dtype=np.uint8)
    if n < 2:
        return out
    a = series1[1:]
    b = series2[1:]
    pa = series1[:-1]
    pb = series2[:-1]
    o = out[1:]
    if direction > 0:
        for j in range(n - 1):
            o[j] = (a[j] > b[j]) & (pa[j] <= pb[j])
    elif direction < 0:
        for j in range(n - 1):
            o[j] = (a[j] < b[j]) & (pa[j] >= pb[j])
    else:
        for j in range(n - 1):
            o[j] = ((a[j] > b[j]) & (pa[j] <= pb[j])) | ((a[j] < b[j]) & (pa[j] >= pb[j]))
    return out


@helper
def _qt_valid(val):
    """A value pandas' rolling functions count (they treat +-inf as missing)."""
    return val == val and not np.isinf(val)


@export("f8[::1](f8[::1], i8, i8, i8)")
def qt_rolling_minmax(real, window, min_periods, is_max):
    """``Series.rolling(window, min_periods).max()`` (is_max 1) or ``.min()`` (0).

    NaN and +-inf are skipped; NaN where fewer than ``max(min_periods, 1)`` values count.
    Among equal extremes the latest is reported (pandas' monotonic deque)."""
    return _qt_minmax(real, window, min_periods, is_max)


@helper
def _qt_minmax(real, window, min_periods, is_max):
    """Block prefix/suffix extremes (van Herk / Gil-Werman): O(n), no data-dependent
    branches. Missing values become -inf (max) / +inf (min) and are counted apart; on
    equal values the later one wins, as in pandas' deque."""
    n = real.shape[0]
    out = np.empty(n)
    sign = 1.0 if is_max else -1.0
    vals = np.empty(n)
    count = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        v = real[i]
        ok = _qt_valid(v)
        vals[i] = sign * v if ok else -np.inf
        count[i + 1] = count[i] + (1 if ok else 0)
    pre = np.empty(n)
    suf = np.empty(n)
    for b0 in range(0, n, window):
        m = min(window, n - b0)
        vb = vals[b0:b0 + m]
        pb = pre[b0:b0 + m]
        sb = suf[b0:b0 + m]
        best = -np.inf
        for j in range(m):
            v = vb[j]
            if v >= best:
                best = v
            pb[j] = best
        best = -np.inf
        for j in range(m - 1, -1, -1):
            v = vb[j]
            if v > best:
                best = v
            sb[j] = best
    min_periods = max(min_periods, 1)
    for i in range(min(window, n)):  # windows from row 0: the first block's prefix
        out[i] = sign * pre[i] if count[i + 1] >= min_periods else NAN
    if n > window:  # window [i - window + 1, i] = suffix of one block + prefix of the next
        o = out[window:]
        later = pre[window:]
        earlier = suf[1:]
        hi = count[window + 1:]
        lo = count[1:]
        r = 1 % window  # (i - window + 1) % window, kept without a division
        for j in range(n - window):
            a = later[j]
            b = earlier[j]
            best = a if (r == 0 or a >= b) else b
            o[j] = sign * best if hi[j] - lo[j] >= min_periods else NAN
            r += 1
            if r == window:
                r = 0
    return out


@helper
def _qt_ewm_start(com):
    """pandas' ``ewm(com=com)`` before its first row: ``(old_wt_factor, weighted, old_wt,
    nobs)`` for :func:`_qt_ewm_step`."""
    return 1.0 - 1.0 / (1.0 + com), NAN, 1.0, 0


@helper
def _qt_ewm_step(cur, weighted, old_wt, nobs, old_wt_factor):
    """One row of pandas' ``ewm(...).mean()`` (adjust=True, ignore_na=False, new weight 1):
    returns the new ``(weighted, old_wt, nobs)``; the start is :func:`_qt_ewm_start`'s."""
    if cur == cur:
        nobs += 1
        if weighted == weighted:
            old_wt *= old_wt_factor
            if weighted != cur:  # pandas: exact on a constant series
                weighted = old_wt * weighted + 1.0 * cur
                weighted /= old_wt + 1.0
            old_wt += 1.0
        else:
            weighted = cur
    elif weighted == weighted:
        old_wt *= old_wt_factor
    return weighted, old_wt, nobs


@helper
def _qt_ewm(real, com, min_periods):
    """pandas' ``ewm(com=com, min_periods, adjust=True, ignore_na=False).mean()``."""
    n = real.shape[0]
    out = np.empty(n)
    min_periods = max(min_periods, 1)
    factor, weighted, old_wt, nobs = _qt_ewm_start(com)
    for i in range(n):
        weighted, old_wt, nobs = _qt_ewm_step(_qt_prep(real[i]), weighted, old_wt, nobs,
                                              factor)
        out[i] = weighted if nobs >= min_periods else NAN
    return out


@export("f8[::1](f8[::1], f8, i8)")
def qt_ewm_mean(real, com, min_periods):
    """pandas' ``Series.ewm(com=com, min_periods=min_periods).mean()`` (adjust=True,
    ignore_na=False; qtpylib passes ``span``: com = (span - 1) / 2). +-inf count as NaN."""
    return _qt_ewm(real, com, min_periods)


@export("UniTuple(f8[::1], 3)(f8[::1], f8, f8, i8, f8, i8, f8, i8)")
def qt_ewm_of_difference(real, scale, com1, min1, com2, min2, com3, min3):
    """``line = scale * ewm1(real) - ewm2(real)``, ``signal = ewm3(line)`` and
    ``line - signal``, each ewm as :func:`qt_ewm_mean` (qtpylib's macd with scale 1, its
    Hull MA with scale 2). The three recurrences run in one loop, so their serial chains
    (a division each) overlap; every value is the one the three separate passes give."""
    n = real.shape[0]
    line = np.empty(n)
    signal = np.empty(n)
    hist = np.empty(n)
    min1 = max(min1, 1)
    min2 = max(min2, 1)
    min3 = max(min3, 1)
    f1, w1, o1, n1 = _qt_ewm_start(com1)
    f2, w2, o2, n2 = _qt_ewm_start(com2)
    f3, w3, o3, n3 = _qt_ewm_start(com3)
    for i in range(n):
        cur = _qt_prep(real[i])
        w1, o1, n1 = _qt_ewm_step(cur, w1, o1, n1, f1)
        w2, o2, n2 = _qt_ewm_step(cur, w2, o2, n2, f2)
        d = (scale * (w1 if n1 >= min1 else NAN)) - (w2 if n2 >= min2 else NAN)
        w3, o3, n3 = _qt_ewm_step(_qt_prep(d), w3, o3, n3, f3)
        s = w3 if n3 >= min3 else NAN
        line[i] = d
        signal[i] = s
        hist[i] = d - s
    return line, signal, hist


@export("f8[::1](f8[::1], i8, f8, i8)")
def qt_zlema(real, lag, com, min_periods):
    """qtpylib's zlema: :func:`qt_ewm_mean` of ``2 * real - real shifted by lag`` (NaN for
    the first ``lag`` rows), without building that series."""
    n = real.shape[0]
    out = np.empty(n)
    min_periods = max(min_periods, 1)
    factor, weighted, old_wt, nobs = _qt_ewm_start(com)
    for i in range(n):
        cur = 2.0 * real[i] - real[i - lag] if i >= lag else NAN
        weighted, old_wt, nobs = _qt_ewm_step(_qt_prep(cur), weighted, old_wt, nobs, factor)
        out[i] = weighted if nobs >= min_periods else NAN
    return out


@helper
def _qt_rolling_sum(real, window, min_periods):
    """pandas' ``rolling(window, min_periods).sum()``: Kahan-compensated running sum,
    ``prev * nobs`` for a window of one repeated value; NaN and +-inf skipped."""
    n = real.shape[0]
    out = np.empty(n)
    nobs = 0
    same = 0
    sum_x = 0.0
    comp_add = 0.0
    comp_rem = 0.0
    prev_value = _qt_prep(real[0]) if n > 0 else 0.0
    for i in range(n):
        if i >= window:
            val = _qt_prep(real[i - window])
            if val == val:
                nobs -= 1
                y = -val - comp_rem
                t = sum_x + y
                comp_rem = t - sum_x - y
                sum_x = t
        val = _qt_prep(real[i])
        if val == val:
            nobs += 1
            y = val - comp_add
            t = sum_x + y
            comp_add = t - sum_x - y
            sum_x = t
            if val == prev_value:
                same += 1
            else:
                same = 1
            prev_value = val
        if nobs == 0 and min_periods == 0:
            out[i] = 0.0
        elif nobs >= min_periods:
            if same >= nobs:
                out[i] = prev_value * nobs
            else:
                out[i] = sum_x
        else:
            out[i] = NAN
    return out


@export("f8[::1](f8[::1], i8, i8)")
def qt_rolling_sum(real, window, min_periods):
    """pandas' ``Series.rolling(window, min_periods).sum()``."""
    return _qt_rolling_sum(real, window, min_periods)


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8, i8)")
def qt_rolling_vwap(high, low, close, volume, window, min_periods):
    """qtpylib's rolling_vwap: rolling sum of volume * typical price over rolling sum of
    volume (pandas sums), +-inf as NaN, then forward-filled."""
    n = high.shape[0]
    pv = np.empty(n)
    for i in range(n):
        pv[i] = volume[i] * ((high[i] + low[i] + close[i]) / 3)
    left = _qt_rolling_sum(pv, window, min_periods)
    right = _qt_rolling_sum(volume, window, min_periods)
    out = np.empty(n)
    last = NAN
    for i in range(n):
        r = left[i] / right[i]
        if r == r and not np.isinf(r):
            last = r
        out[i] = last
    return out


@export("f8[::1](f8[::1], i8)")
def qt_roc(real, window):
    """(x - x.shift(window)) / x.shift(window); any integer shift, NaN where none."""
    n = real.shape[0]
    out = np.empty(n)
    for i in range(n):
        j = i - window
        if 0 <= j < n:
            prev = real[j]
            out[i] = (real[i] - prev) / prev
        else:
            out[i] = NAN
    return out


@export("f8[::1](f8[::1])")
def qt_returns(real):
    """x / x.shift(1) - 1 with +-inf replaced by NaN."""
    n = real.shape[0]
    out = np.empty(n)
    if n == 0:
        return out
    out[0] = NAN
    for i in range(1, n):
        r = real[i] / real[i - 1] - 1
        out[i] = NAN if np.isinf(r) else r
    return out


@export("f8[::1](f8[::1], f8[::1])")
def qt_pvt(close, volume):
    """Price volume trend: cumulative sum of (close - prev close) / prev close * volume,
    skipping NaN terms (pandas' cumsum: a NaN term stays NaN in the output)."""
    n = close.shape[0]
    out = np.empty(n)
    if n == 0:
        return out
    out[0] = NAN
    acc = 0.0
    for i in range(1, n):
        prev = close[i - 1]
        term = ((close[i] - prev) / prev) * volume[i]
        if term == term:
            acc += term
            out[i] = acc
        else:
            out[i] = NAN
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8)")
def qt_chop_ratio(high, low, close, window):
    """Sum of true range over ``window`` bars / (highest high - lowest low), each a pandas
    rolling window with min_periods = window (qtpylib's chopiness before its log10)."""
    trsum = _qt_rolling_sum(_qt_true_range(high, low, close), window, window)
    highs = _qt_minmax(high, window, window, 1)
    lows = _qt_minmax(low, window, window, 0)
    n = high.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = trsum[i] / (highs[i] - lows[i])
    return out


@export("UniTuple(f8[::1], 2)(f8[::1], f8[::1], f8[::1], i8, i8, i8, i8)")
def qt_stoch(high, low, close, window, d, k, fast):
    """qtpylib's stoch: fast %K = 100 * (close - lowest low) / (highest - lowest) over
    ``window`` bars, and pandas rolling means of it (fast: %K, %D over ``d``; slow: %K
    smoothed over ``k``, then %D over ``d``)."""
    highs = _qt_minmax(high, window, window, 1)
    lows = _qt_minmax(low, window, window, 0)
    n = high.shape[0]
    fast_k = np.empty(n)
    for i in range(n):
        fast_k[i] = 100 * (close[i] - lows[i]) / (highs[i] - lows[i])
    if fast:
        return fast_k, _qt_rolling_mean(fast_k, d, d)
    slow_k = _qt_rolling_mean(fast_k, k, k)
    return slow_k, _qt_rolling_mean(slow_k, d, d)


@export("UniTuple(f8[::1], 2)(f8[::1], i8)")
def qt_window_mean_std(real, window):
    """Full-window mean and std (ddof=1) as numpy computes them over sliding windows
    (qtpylib's numpy path, see qt_window_stat), in one call."""
    n = real.shape[0]
    mean = np.empty(n)
    std = np.empty(n)
    _qt_window_stats(real, window, True, mean, std)
    return mean, std
