"""Moving-average oscillators (MACD family, APO, PPO, STOCH family, TRIX), TA-Lib compatible.

Each one composes the moving averages of ``overlap.py`` exactly as TA-Lib's C code
composes its own: every inner average starts where TA-Lib starts it (that decides how an
EMA is seeded), so values agree to rounding and a NaN propagates as it does in TA-Lib.
"""

import numpy as np

from .. import export, helper, unfused
from ._common import nan_head
from .momentum import rsi as _momentum_rsi
from .overlap import _ma_at, _ma_lookback

NAN = np.nan

# TA-Lib's FMA build does not fuse RSI's steps: STOCHRSI's copy in the FMA module must not
# either (its MA line must, as there). This marks momentum.rsi itself, harmless: the RSI
# kernel is not in the FMA module.
_rsi = helper(unfused(_momentum_rsi))


@helper
def _macd(real, start, fastperiod, slowperiod, signalperiod, fixed):
    # One fused pass: slow EMA, fast EMA (seeded to end-align with the slow one), their
    # difference and its EMA signal, each value computed as TA-Lib's three passes would.
    n = real.shape[0]
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
    if fixed:
        k_slow = 0.075
        k_fast = 0.15
    else:
        k_slow = 2.0 / (slowperiod + 1)
        k_fast = 2.0 / (fastperiod + 1)
    k_sig = 2.0 / (signalperiod + 1)
    macd_first = start + slowperiod - 1
    first = macd_first + signalperiod - 1
    macd = np.empty(n)
    signal = np.empty(n)
    hist = np.empty(n)
    for i in range(min(first, n)):
        macd[i] = NAN
        signal[i] = NAN
        hist[i] = NAN
    if first >= n:
        return macd, signal, hist
    total = 0.0
    for i in range(start, macd_first + 1):
        total += real[i]
    slow = total / slowperiod
    total = 0.0
    for i in range(macd_first - fastperiod + 1, macd_first + 1):
        total += real[i]
    fast = total / fastperiod
    m = fast - slow
    sig_total = m
    for i in range(macd_first + 1, first + 1):
        v = real[i]
        slow = (v - slow) * k_slow + slow
        fast = (v - fast) * k_fast + fast
        m = fast - slow
        sig_total += m
    sig = sig_total / signalperiod
    macd[first] = m
    signal[first] = sig
    hist[first] = m - sig
    x = real[first + 1:]
    om = macd[first + 1:]
    os = signal[first + 1:]
    oh = hist[first + 1:]
    for j in range(om.shape[0]):
        v = x[j]
        slow = (v - slow) * k_slow + slow
        fast = (v - fast) * k_fast + fast
        m = fast - slow
        sig = (m - sig) * k_sig + sig
        om[j] = m
        os[j] = sig
        oh[j] = m - sig
    if signalperiod == 1:  # TA-Lib's EMA of period 1 is its input, exactly
        for j in range(om.shape[0]):
            os[j] = om[j]
            oh[j] = om[j] - om[j]
    return macd, signal, hist


@export("UniTuple(f8[::1], 3)(f8[::1], i8, i8, i8, i8)")
def macd(real, start, fastperiod, slowperiod, signalperiod):
    """MACD ``EMA(fast) - EMA(slow)``, its EMA signal and the histogram. Periods are swapped
    when ``fastperiod > slowperiod``; the fast EMA is seeded so both end-align (TA-Lib).
    Lookback ``slowperiod - 1 + signalperiod - 1``."""
    return _macd(real, start, fastperiod, slowperiod, signalperiod, False)


@export("UniTuple(f8[::1], 3)(f8[::1], i8, i8)")
def macdfix(real, start, signalperiod):
    """MACD 12/26 with TA-Lib's fixed factors 0.15 and 0.075. Lookback ``25 + signalperiod - 1``."""
    return _macd(real, start, 12, 26, signalperiod, True)


@helper
def _macdext_sma(real, start, fastperiod, slowperiod, signalperiod):
    # All three lines SMA (the default): one pass with three running sums, each SMA
    # started where TA-Lib starts it and summed in _sma's order (same values as the
    # generic path: slow from ``start``, fast end-aligned, signal from ``macd_first``).
    n = real.shape[0]
    macd_first = start + slowperiod - 1
    first = macd_first + signalperiod - 1
    macd = nan_head(n, n)
    signal = nan_head(n, n)
    hist = nan_head(n, n)
    if first >= n:
        return macd, signal, hist
    slow_tot = 0.0
    for i in range(start, macd_first):
        slow_tot += real[i]
    fast_start = macd_first - fastperiod + 1
    fast_tot = 0.0
    for i in range(fast_start, macd_first):
        fast_tot += real[i]
    x = real[macd_first:]
    slow_out = real[start:n - slowperiod + 1]
    fast_out = real[fast_start:n - fastperiod + 1]
    om = macd[macd_first:]
    cnt = om.shape[0]
    sig_tot = 0.0
    for j in range(signalperiod - 1):
        v = x[j]
        slow_tot += v
        s = slow_tot
        slow_tot -= slow_out[j]
        fast_tot += v
        f = fast_tot
        fast_tot -= fast_out[j]
        m = f / fastperiod - s / slowperiod
        om[j] = m
        sig_tot += m
    osg = signal[first:]
    oh = hist[first:]
    for j in range(signalperiod - 1, cnt):
        v = x[j]
        slow_tot += v
        s = slow_tot
        slow_tot -= slow_out[j]
        fast_tot += v
        f = fast_tot
        fast_tot -= fast_out[j]
        m = f / fastperiod - s / slowperiod
        om[j] = m
        sig_tot += m
        g = sig_tot
        k = j - (signalperiod - 1)
        sig_tot -= om[k]
        g = g / signalperiod
        osg[k] = g
        oh[k] = m - g
    for i in range(macd_first, first):
        macd[i] = NAN
    return macd, signal, hist



@export("UniTuple(f8[::1], 3)(f8[::1], i8, i8, i8, i8, i8, i8, i8)")
def macdext(real, start, fastperiod, fastmatype, slowperiod, slowmatype, signalperiod,
            signalmatype):
    """MACD with a moving-average type per line (MA_Type 0..13, 11 = SMA). Periods (with
    their types) are swapped when ``fastperiod > slowperiod``. Lookback
    ``max(fast MA, slow MA) + signal MA`` lookbacks."""
    n = real.shape[0]
    if fastmatype == 11:
        fastmatype = 0
    if slowmatype == 11:
        slowmatype = 0
    if signalmatype == 11:
        signalmatype = 0
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
        fastmatype, slowmatype = slowmatype, fastmatype
    if (fastmatype == 0 and slowmatype == 0 and signalmatype == 0 and fastperiod > 1
            and signalperiod > 1):
        return _macdext_sma(real, start, fastperiod, slowperiod, signalperiod)
    if fastmatype == 1 and slowmatype == 1 and signalmatype == 1 and fastperiod > 1:
        # all three EMA: TA-Lib's MACD arithmetic (EMAs seeded by the mean of their first
        # period, the fast one end-aligned with the slow one), fused in one pass
        return _macd(real, start, fastperiod, slowperiod, signalperiod, False)
    lb_fast = _ma_lookback(fastperiod, fastmatype)
    lb_slow = _ma_lookback(slowperiod, slowmatype)
    lb_large = max(lb_fast, lb_slow)
    macd_first = start + lb_large
    first = macd_first + _ma_lookback(signalperiod, signalmatype)
    macd = nan_head(n, n)
    signal = nan_head(n, n)
    hist = nan_head(n, n)
    if first >= n:
        return macd, signal, hist
    slow = _ma_at(real, macd_first - lb_slow, slowperiod, slowmatype, start)
    fast = _ma_at(real, macd_first - lb_fast, fastperiod, fastmatype, start)
    for i in range(macd_first, n):
        macd[i] = fast[i] - slow[i]
    sig = _ma_at(macd, macd_first, signalperiod, signalmatype, macd_first)
    for i in range(macd_first, first):
        macd[i] = NAN
    for i in range(first, n):
        signal[i] = sig[i]
        hist[i] = macd[i] - sig[i]
    return macd, signal, hist


@helper
def _po_ema(real, start, fastperiod, slowperiod, percent):
    # Both EMAs in one pass, each seeded (mean of its first ``period`` inputs from
    # ``start``) and advanced exactly as TA-Lib's two separate EMA passes.
    n = real.shape[0]
    first = start + slowperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    k_fast = 2.0 / (fastperiod + 1)
    k_slow = 2.0 / (slowperiod + 1)
    fast_first = start + fastperiod - 1
    total = 0.0
    for i in range(start, fast_first + 1):
        total += real[i]
    fast = total / fastperiod
    for i in range(fast_first + 1, first + 1):
        fast = (real[i] - fast) * k_fast + fast
    total = 0.0
    for i in range(start, first + 1):
        total += real[i]
    slow = total / slowperiod
    x = real[first + 1:]
    o = out[first + 1:]
    if percent:
        out[first] = 0.0 if -1e-14 < slow < 1e-14 else ((fast - slow) / slow) * 100.0
        for j in range(o.shape[0]):
            v = x[j]
            fast = (v - fast) * k_fast + fast
            slow = (v - slow) * k_slow + slow
            o[j] = 0.0 if -1e-14 < slow < 1e-14 else ((fast - slow) / slow) * 100.0
    else:
        out[first] = fast - slow
        for j in range(o.shape[0]):
            v = x[j]
            fast = (v - fast) * k_fast + fast
            slow = (v - slow) * k_slow + slow
            o[j] = fast - slow
    return out


@helper
def _po(real, start, fastperiod, slowperiod, matype, percent):
    n = real.shape[0]
    if matype == 11:
        matype = 1
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
    if matype == 1 and fastperiod > 1:  # the default: a fused pass
        return _po_ema(real, start, fastperiod, slowperiod, percent)
    first = start + _ma_lookback(slowperiod, matype)
    out = nan_head(n, n)
    if first >= n:
        return out
    fast = _ma_at(real, start, fastperiod, matype, start)
    slow = _ma_at(real, start, slowperiod, matype, start)
    if percent:
        for i in range(first, n):
            s = slow[i]
            if -1e-14 < s < 1e-14:
                out[i] = 0.0
            else:
                out[i] = ((fast[i] - s) / s) * 100.0
    else:
        for i in range(first, n):
            out[i] = fast[i] - slow[i]
    return out


@export("f8[::1](f8[::1], i8, i8, i8, i8)")
def apo(real, start, fastperiod, slowperiod, matype):
    """Absolute price oscillator ``MA(fast) - MA(slow)`` (MA_Type ``matype``, 11 = EMA).
    Lookback that of the slow MA; periods are swapped when fast > slow."""
    return _po(real, start, fastperiod, slowperiod, matype, False)


@export("f8[::1](f8[::1], i8, i8, i8, i8)")
def ppo(real, start, fastperiod, slowperiod, matype):
    """Percentage price oscillator ``100 * (MA(fast) - MA(slow)) / MA(slow)``; 0 where the
    slow MA is zero. Lookback that of the slow MA."""
    return _po(real, start, fastperiod, slowperiod, matype, True)


@export("f8[::1](f8[::1], i8, i8)")
def trix(real, start, timeperiod):
    """1-bar rate of change (percent) of a triple EMA. Lookback ``3 * (timeperiod - 1) + 1``;
    a zero previous value gives 0."""
    # one fused pass over the three cascaded EMAs, each seeded (by the mean of its first
    # timeperiod inputs) where TA-Lib seeds it
    n = real.shape[0]
    k = 2.0 / (timeperiod + 1)
    lb = timeperiod - 1
    first = start + 3 * lb + 1
    out = np.empty(n)
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    total = 0.0
    for i in range(start, start + lb + 1):
        total += real[i]
    e1 = total / timeperiod
    t2 = e1
    for i in range(start + lb + 1, start + 2 * lb + 1):
        e1 = (real[i] - e1) * k + e1
        t2 += e1
    e2 = t2 / timeperiod
    t3 = e2
    for i in range(start + 2 * lb + 1, start + 3 * lb + 1):
        e1 = (real[i] - e1) * k + e1
        e2 = (e1 - e2) * k + e2
        t3 += e2
    e3 = t3 / timeperiod
    x = real[first:]
    o = out[first:]
    for j in range(o.shape[0]):
        e1 = (x[j] - e1) * k + e1
        e2 = (e1 - e2) * k + e2
        prev = e3
        e3 = (e2 - e3) * k + e3
        r = ((e3 / prev) - 1.0) * 100.0
        o[j] = r if prev != 0.0 else 0.0
    return out


@helper
def _fastk_scan(hb, lb, cb, ob, fastk_period):
    """Block-wise direct %K for short windows: the lowest low and highest high of each
    window by ``fastk_period`` vectorised passes over a block (no data-dependent branch).
    Exact when ``high - low`` is finite everywhere (a minimum does not depend on the order
    it is taken in); returns False, having written nothing, when it is not, and the caller
    runs TA-Lib's tracking instead."""
    m = ob.shape[0]
    p = fastk_period
    size = 512
    bad = 0
    for j in range(m):
        v = hb[j] - lb[j]
        bad += 0 if v - v == 0.0 else 1
    if bad:
        return False
    lo = np.empty(size)
    hi = np.empty(size)
    r0 = p - 1
    while r0 < m:
        r1 = min(r0 + size, m)
        k = r1 - r0
        base = r0 - p + 1
        l0 = lb[base:base + k]
        h0 = hb[base:base + k]
        for j in range(k):
            lo[j] = l0[j]
            hi[j] = h0[j]
        for q in range(1, p):
            lq = lb[base + q:base + q + k]
            hq = hb[base + q:base + q + k]
            for j in range(k):
                a = lq[j]
                b = lo[j]
                lo[j] = a if a < b else b
                a = hq[j]
                b = hi[j]
                hi[j] = a if a > b else b
        cs = cb[r0:r1]
        os = ob[r0:r1]
        for j in range(k):
            lowest = lo[j]
            highest = hi[j]
            diff = highest - lowest
            r = ((cs[j] - lowest) / diff) * 100.0
            os[j] = 0.0 if abs(diff) <= 1e-14 * (abs(highest) + abs(lowest)) else r
        r0 = r1
    return True


@helper
def _fastk(high, low, close, start, fastk_period):
    """TA-Lib's raw %K from ``start + fastk_period - 1`` (NaN before); 0 when the range is
    within 1e-14 of the prices' scale (or infinite). Windows of up to 16 rows are scanned
    directly (:func:`_fastk_scan`) when the prices are finite; otherwise TA-Lib's extreme
    tracking on views from ``start``; a new extreme is taken with selects (it arrives at
    random, a branch would mispredict) and the value is computed before its zero-range
    select."""
    n = high.shape[0]
    first = start + fastk_period - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    hb = high[start:]
    lb = low[start:]
    cb = close[start:]
    ob = out[start:]
    if fastk_period <= 16 and _fastk_scan(hb, lb, cb, ob, fastk_period):
        return out
    trailing = 0
    lowest_idx = -1
    highest_idx = -1
    highest = 0.0
    lowest = 0.0
    for today in range(fastk_period - 1, ob.shape[0]):
        tmp = lb[today]
        if lowest_idx < trailing:
            lowest_idx = trailing
            lowest = lb[lowest_idx]
            for i in range(lowest_idx + 1, today + 1):
                tmp = lb[i]
                if tmp < lowest:
                    lowest_idx = i
                    lowest = tmp
        else:
            take = tmp <= lowest
            lowest_idx = today if take else lowest_idx
            lowest = tmp if take else lowest
        tmp = hb[today]
        if highest_idx < trailing:
            highest_idx = trailing
            highest = hb[highest_idx]
            for i in range(highest_idx + 1, today + 1):
                tmp = hb[i]
                if tmp > highest:
                    highest_idx = i
                    highest = tmp
        else:
            take = tmp >= highest
            highest_idx = today if take else highest_idx
            highest = tmp if take else highest
        diff = highest - lowest
        r = ((cb[today] - lowest) / diff) * 100.0
        ob[today] = 0.0 if abs(diff) <= 1e-14 * (abs(highest) + abs(lowest)) else r
        trailing += 1
    return out


@helper
def _stochf(high, low, close, start, fastk_period, fastd_period, fastd_matype):
    n = high.shape[0]
    if fastd_matype == 11:
        fastd_matype = 0
    k_first = start + fastk_period - 1
    first = k_first + _ma_lookback(fastd_period, fastd_matype)
    if first >= n:
        return nan_head(n, n), nan_head(n, n)
    fastk = _fastk(high, low, close, start, fastk_period)
    fastd = _ma_at(fastk, k_first, fastd_period, fastd_matype, k_first)
    for i in range(k_first, first):
        fastk[i] = NAN
    return fastk, fastd


@export("UniTuple(f8[::1], 2)(f8[::1], f8[::1], f8[::1], i8, i8, i8, i8)")
def stochf(high, low, close, start, fastk_period, fastd_period, fastd_matype):
    """Fast stochastic: %K = 100 * (close - lowest low) / (highest high - lowest low) over
    ``fastk_period`` rows (0 for a zero range), %D its MA. Lookback
    ``fastk_period - 1 + MA lookback``."""
    return _stochf(high, low, close, start, fastk_period, fastd_period, fastd_matype)


@export("UniTuple(f8[::1], 2)(f8[::1], f8[::1], f8[::1], i8, i8, i8, i8, i8, i8)")
def stoch(high, low, close, start, fastk_period, slowk_period, slowk_matype, slowd_period,
          slowd_matype):
    """Slow stochastic: slow %K = MA of the fast %K, slow %D = MA of slow %K. Lookback
    ``fastk_period - 1`` plus both MA lookbacks."""
    n = high.shape[0]
    if slowk_matype == 11:
        slowk_matype = 0
    if slowd_matype == 11:
        slowd_matype = 0
    k_first = start + fastk_period - 1
    sk_first = k_first + _ma_lookback(slowk_period, slowk_matype)
    first = sk_first + _ma_lookback(slowd_period, slowd_matype)
    if first >= n:
        return nan_head(n, n), nan_head(n, n)
    raw = _fastk(high, low, close, start, fastk_period)
    slowk = _ma_at(raw, k_first, slowk_period, slowk_matype, k_first)
    slowd = _ma_at(slowk, sk_first, slowd_period, slowd_matype, sk_first)
    for i in range(sk_first, first):
        slowk[i] = NAN
    return slowk, slowd


@export("UniTuple(f8[::1], 2)(f8[::1], i8, i8, i8, i8, i8)")
def stochrsi(real, start, timeperiod, fastk_period, fastd_period, fastd_matype):
    """Stochastic RSI: STOCHF applied to RSI(``timeperiod``) as high, low and close.
    Lookback ``timeperiod`` plus STOCHF's."""
    n = real.shape[0]
    rsi_first = start + timeperiod
    if rsi_first >= n:
        return nan_head(n, n), nan_head(n, n)
    r = _rsi(real, start, timeperiod)
    return _stochf(r, r, r, rsi_first, fastk_period, fastd_period, fastd_matype)
