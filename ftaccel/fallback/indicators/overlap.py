"""numpy versions of ``ftaccel.kernels.indicators.overlap``."""

import numpy as np
import pandas as pd

from ._common import _nan_head, running_total
from .statistic import stddev


def sma(real, start, timeperiod):
    return running_total(real, start, timeperiod) / timeperiod


def ema(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    if timeperiod == 1:
        out[first:] = real[first:]
        return out
    x = real[first:].copy()
    with np.errstate(invalid="ignore", over="ignore"):
        x[0] = real[start : first + 1].sum() / timeperiod
    s = pd.Series(x).ewm(alpha=2.0 / (timeperiod + 1), adjust=False, ignore_na=False).mean()
    res = np.array(s, dtype=float)
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        # a non-finite value enters the recursion: inf stays inf at that row, NaN after
        j = bad[0]
        res[j] = np.nan if np.isnan(x[j]) else x[j]
        res[j + 1 :] = np.nan
    out[first:] = res
    return out


def wma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real[start:]
    if timeperiod == 1:
        out[first:] = x
        return out
    weights = np.arange(1, timeperiod + 1, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(x, timeperiod)
    with np.errstate(invalid="ignore", over="ignore"):
        out[first:] = windows @ weights / weights.sum()
    # TA-Lib keeps running sums but rebuilds them from the window every 8*timeperiod
    # outputs: a non-finite value spoils its segment (NaN from where it enters, inf one
    # row later) until the next rebuild.
    finite = np.isfinite(real)
    if finite[start:].all():
        return out
    block = 8 * timeperiod
    bounds = [first, *range(first + block - 1, n, block), n]
    for r, r_next in zip(bounds[:-1], bounds[1:]):
        lo = r - timeperiod + 1 if r > first else start
        bad = np.flatnonzero(~finite[lo:r_next])
        if bad.size:
            j = lo + bad[0]
            from_ = max(r, j) if np.isnan(real[j]) else max(r, j) + 1
            out[from_:r_next] = np.nan
    return out


def dema(real, start, timeperiod):
    if timeperiod == 1:
        return ema(real, start, 1)
    e1 = ema(real, start, timeperiod)
    e2 = ema(e1, start + timeperiod - 1, timeperiod)
    out = 2.0 * e1 - e2
    out[: start + 2 * (timeperiod - 1)] = np.nan
    return out


def tema(real, start, timeperiod):
    if timeperiod == 1:
        return ema(real, start, 1)
    e1 = ema(real, start, timeperiod)
    e2 = ema(e1, start + timeperiod - 1, timeperiod)
    e3 = ema(e2, start + 2 * (timeperiod - 1), timeperiod)
    out = 3.0 * e1 - 3.0 * e2 + e3
    out[: start + 3 * (timeperiod - 1)] = np.nan
    return out


# --- TRIMA, KAMA, T3, HMA, ZLEMA, RMA, MAMA, MA and BBANDS -------------------------------
# TRIMA is vectorised (triangular weights) while the data are finite; the adaptive and
# chained filters are recursive, so they loop in Python over the same recurrences.


def _copy_from(real, start):
    out = _nan_head(real.shape[0], start)
    out[start:] = real[start:]
    return out


def _trima_loop(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    x = real.tolist()
    half = timeperiod >> 1
    odd = timeperiod % 2 == 1
    factor = 1.0 / ((half + 1.0) * (half + 1)) if odd else 1.0 / (half * (half + 1.0))
    middle = start + half if odd else start + half - 1
    today = middle + half
    numerator = num_sub = num_add = 0.0
    for i in range(middle, start - 1, -1):
        num_sub += x[i]
        numerator += num_sub
    middle += 1
    for i in range(middle, today + 1):
        num_add += x[i]
        numerator += num_add
    trailing = start + 1
    temp = x[start]
    out[first] = numerator * factor
    for day in range(today + 1, n):
        numerator -= num_sub
        num_sub -= temp
        temp = x[middle]
        middle += 1
        num_sub += temp
        if odd:
            numerator += num_add
            num_add -= temp
        else:
            num_add -= temp
            numerator += num_add
        temp = x[day]
        num_add += temp
        numerator += temp
        temp = x[trailing]
        trailing += 1
        out[day] = numerator * factor
    return out


def _trima_running(real, start, timeperiod):
    if start + timeperiod - 1 >= real.shape[0]:
        return _nan_head(real.shape[0], real.shape[0])
    return _trima_loop(real, start, timeperiod)


def trima(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    if not np.isfinite(real[start:]).all():
        return _trima_loop(real, start, timeperiod)
    half = timeperiod >> 1
    if timeperiod % 2:
        w = np.concatenate([np.arange(1, half + 2), np.arange(half, 0, -1)]).astype(float)
    else:
        w = np.concatenate([np.arange(1, half + 1), np.arange(half, 0, -1)]).astype(float)
    windows = np.lib.stride_tricks.sliding_window_view(real[start:], timeperiod)
    out[first:] = windows @ w / w.sum()
    return out


def kama(real, start, timeperiod):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real.tolist()
    fast, slow = 2.0 / 3.0, 2.0 / 31.0
    diffs = [x[i + 1] - x[i] for i in range(start, first)]
    sum_roc = 0.0
    run = 0
    for d in diffs:
        sum_roc += abs(d)
        run = run + 1 if d == 0.0 else 0
    prev = x[first - 1]
    for i in range(first, n):
        d = x[i] - x[i - 1]
        if i > first:
            sum_roc -= abs(x[i - timeperiod] - x[i - timeperiod - 1])
            sum_roc += abs(d)
            run = run + 1 if d == 0.0 else 0
            if run >= timeperiod:
                run = timeperiod
                sum_roc = 0.0
        change = x[i] - x[i - timeperiod]
        er = 1.0 if (sum_roc <= 0.0 or sum_roc <= change) else min(abs(change / sum_roc), 1.0)
        sc = er * (fast - slow) + slow
        sc *= sc
        prev = (x[i] - prev) * sc + prev
        out[i] = prev
    return out


def t3(real, start, timeperiod, vfactor):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    first = start + 6 * (timeperiod - 1)
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real.tolist()
    k = 2.0 / (timeperiod + 1.0)
    omk = 1.0 - k
    e = [0.0] * 6
    pos = start
    # seed level j with the mean of its first `timeperiod` inputs, levels below running
    for level in range(6):
        total = 0.0
        for step in range(timeperiod):
            if level == 0:
                total += x[pos]
                pos += 1
                continue
            if step == 0:
                total = e[level - 1]
                continue
            v = x[pos]
            pos += 1
            for j in range(level):
                e[j] = k * v + omk * e[j]
                v = e[j]
            total += e[level - 1]
        e[level] = total / timeperiod
    v2 = vfactor * vfactor
    c1 = -(v2 * vfactor)
    c2 = 3.0 * (v2 - c1)
    c3 = -6.0 * v2 - 3.0 * (vfactor - c1)
    c4 = 1.0 + 3.0 * vfactor - c1 + 3.0 * v2
    out[first] = c1 * e[5] + c2 * e[4] + c3 * e[3] + c4 * e[2]
    for i in range(first + 1, n):
        v = x[i]
        for j in range(6):
            e[j] = k * v + omk * e[j]
            v = e[j]
        out[i] = c1 * e[5] + c2 * e[4] + c3 * e[3] + c4 * e[2]
    return out


def _hma(real, start, timeperiod):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    half = timeperiod // 2
    sq = int(np.sqrt(float(timeperiod)))
    first = start + timeperiod - 1
    if first >= n:
        return _nan_head(n, n)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = (2.0 * _wma_running(real, first - half + 1, half)
                - _wma_running(real, start, timeperiod))
    diff[:first] = np.nan
    return _wma_running(diff, first, sq)


def _zlema(real, start, timeperiod):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    lag = (timeperiod - 1) // 2
    if start + lag + timeperiod - 1 >= n:
        return _nan_head(n, n)
    delagged = np.full(n, np.nan)
    with np.errstate(invalid="ignore", over="ignore"):
        delagged[start + lag:] = 2.0 * real[start + lag:] - real[start:n - lag]
    return _ema_running(delagged, start + lag, timeperiod)


def _rma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real.tolist()
    beta = (timeperiod - 1.0) / timeperiod
    alpha = 1.0 - beta
    prev = sum(x[start:first + 1], 0.0) / timeperiod
    out[first] = prev
    for i in range(first + 1, n):
        prev = alpha * x[i] + beta * prev
        out[i] = prev
    return out


def _mama(real, start, fastlimit, slowlimit, base):
    n = real.shape[0]
    first = start + 32
    mama_out = _nan_head(n, first)
    fama_out = _nan_head(n, first)
    if first >= n:
        return mama_out, fama_out
    x = real.tolist()
    a, b = 0.0962, 0.5769
    rad2deg = 180.0 / (4.0 * np.arctan(1.0))
    wsub = x[start]
    wsum = x[start]
    wsub += x[start + 1]
    wsum += x[start + 1] * 2.0
    wsub += x[start + 2]
    wsum += x[start + 2] * 3.0
    trailing_value = 0.0
    trailing = start
    for today in range(start + 3, start + 12):
        wsub += x[today]
        wsub -= trailing_value
        wsum += x[today] * 4.0
        trailing_value = x[trailing]
        trailing += 1
        wsum -= wsub
    state = [[0.0] * 5 for _ in range(8)]

    def hilbert(st, idx, value, adj):
        h = a * value
        out = 0.0 - st[idx]
        st[idx] = h
        out += h
        out -= st[3]
        st[3] = b * st[4]
        out += st[3]
        st[4] = value
        return out * adj

    hidx = 0
    period = prev_q2 = prev_i2 = re = im = mama = fama = 0.0
    i1_even3 = i1_odd3 = i1_even2 = i1_odd2 = prev_phase = 0.0
    atan = np.arctan
    for today in range(start + 12, n):
        adj = 0.075 * period + 0.54
        value = x[today]
        wsub += value
        wsub -= trailing_value
        wsum += value * 4.0
        trailing_value = x[trailing]
        trailing += 1
        smoothed = wsum * 0.1
        wsum -= wsub
        even = (today - base) % 2 == 0
        rows = state[:4] if even else state[4:]
        i1_3 = i1_even3 if even else i1_odd3
        detrender = hilbert(rows[0], hidx, smoothed, adj)
        q1 = hilbert(rows[1], hidx, detrender, adj)
        ji = hilbert(rows[2], hidx, i1_3, adj)
        jq = hilbert(rows[3], hidx, q1, adj)
        if even:
            hidx = (hidx + 1) % 3
        q2 = 0.2 * (q1 + ji) + 0.8 * prev_q2
        i2 = 0.2 * (i1_3 - jq) + 0.8 * prev_i2
        if even:
            i1_odd3, i1_odd2 = i1_odd2, detrender
        else:
            i1_even3, i1_even2 = i1_even2, detrender
        with np.errstate(all="ignore"):
            phase = float(atan(q1 / i1_3)) * rad2deg if i1_3 != 0.0 else 0.0
        delta = prev_phase - phase
        prev_phase = phase
        if delta < 1.0:
            delta = 1.0
        if delta > 1.0:
            alpha = fastlimit / delta
            if alpha < slowlimit:
                alpha = slowlimit
        else:
            alpha = fastlimit
        mama = alpha * value + (1 - alpha) * mama
        alpha *= 0.5
        fama = alpha * mama + (1 - alpha) * fama
        if today >= first:
            mama_out[today] = mama
            fama_out[today] = fama
        re = 0.2 * (i2 * prev_i2 + q2 * prev_q2) + 0.8 * re
        im = 0.2 * (i2 * prev_q2 - q2 * prev_i2) + 0.8 * im
        prev_q2, prev_i2 = q2, i2
        prev_period = period
        if im != 0.0 and re != 0.0:
            with np.errstate(all="ignore"):
                period = 360.0 / (float(atan(im / re)) * rad2deg)
        if period > 1.5 * prev_period:
            period = 1.5 * prev_period
        if period < 0.67 * prev_period:
            period = 0.67 * prev_period
        if period < 6:
            period = 6.0
        elif period > 50:
            period = 50.0
        period = 0.2 * period + 0.8 * prev_period
    return mama_out, fama_out


def _sma_running(real, start, timeperiod):
    # TA-Lib's running total, to the last bit: inside the oscillators an MA is followed by
    # a difference, a ratio or an adaptive filter that magnify the last-bit differences a
    # vectorised window sum leaves (a flat series gives PPO 0 or 1e-14).
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real.tolist()
    total = sum(x[start:first], 0.0)
    values = []
    for i in range(first, n):
        total += x[i]
        values.append(total / timeperiod)
        total -= x[i - timeperiod + 1]
    out[first:] = values
    return out


def _wma_running(real, start, timeperiod):
    # TA-Lib's running sums (lagged trailing subtraction, rebuilt every 8*timeperiod
    # rows), for the same reason as _sma_running
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    if timeperiod == 1:
        out[first:] = real[first:]
        return out
    x = real.tolist()
    divider = timeperiod * (timeperiod + 1) / 2.0
    psub = psum = 0.0
    for w, v in enumerate(x[start:first], 1):
        psub += v
        psum += v * w
    reseed = 8 * timeperiod
    trailing_value = 0.0
    values = []
    for i in range(first, n):
        v = x[i]
        psub += v
        psub -= trailing_value
        psum += v * timeperiod
        reseed -= 1
        if reseed <= 0:
            reseed = 8 * timeperiod
            psub = psum = 0.0
            for w, u in enumerate(x[i - timeperiod + 1 : i + 1], 1):
                psub += u
                psum += u * w
        trailing_value = x[i - timeperiod + 1]
        values.append(psum / divider)
        psum -= psub
    out[first:] = values
    return out


def _ema_running(real, start, timeperiod):
    # TA-Lib's EMA recurrence (x - prev) * k + prev, to the last bit (see _sma_running)
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    if timeperiod == 1:
        out[first:] = real[first:]
        return out
    k = 2.0 / (timeperiod + 1)
    x = real.tolist()
    prev = sum(x[start : first + 1], 0.0) / timeperiod
    values = [prev]
    for v in x[first + 1 :]:
        prev = (v - prev) * k + prev
        values.append(prev)
    out[first:] = values
    return out


def _dema_running(real, start, timeperiod):
    if timeperiod == 1:
        return _ema_running(real, start, 1)
    e1 = _ema_running(real, start, timeperiod)
    e2 = _ema_running(e1, start + timeperiod - 1, timeperiod)
    with np.errstate(invalid="ignore", over="ignore"):
        out = 2.0 * e1 - e2
    out[: start + 2 * (timeperiod - 1)] = np.nan
    return out


def _tema_running(real, start, timeperiod):
    if timeperiod == 1:
        return _ema_running(real, start, 1)
    e1 = _ema_running(real, start, timeperiod)
    e2 = _ema_running(e1, start + timeperiod - 1, timeperiod)
    e3 = _ema_running(e2, start + 2 * (timeperiod - 1), timeperiod)
    with np.errstate(invalid="ignore", over="ignore"):
        out = 3.0 * e1 - 3.0 * e2 + e3
    out[: start + 3 * (timeperiod - 1)] = np.nan
    return out


def _ma_at(real, start, timeperiod, matype, base):
    if timeperiod == 1 or matype == 10:
        return _copy_from(real, start)
    if matype == 7:
        return _mama(real, start, 0.5, 0.05, base)[0]
    funcs = {0: _sma_running, 1: _ema_running, 2: _wma_running, 3: _dema_running,
             4: _tema_running, 5: _trima_running,
             6: kama, 9: _hma, 11: _sma_running, 12: _zlema, 13: _rma}
    if matype == 8:
        return t3(real, start, timeperiod, 0.7)
    return funcs[matype](real, start, timeperiod)


def _ma(real, start, timeperiod, matype):
    return _ma_at(real, start, timeperiod, matype, start)


def ma(real, start, timeperiod, matype):
    return _ma(real, start, timeperiod, 0 if matype == 11 else matype)


def bbands(real, start, timeperiod, nbdevup, nbdevdn, matype):
    if matype == 11:
        matype = 0
    n = real.shape[0]
    first = start + max(_lookback(timeperiod, matype), timeperiod - 1)
    middle = _ma(real, start, timeperiod, matype)
    middle[: min(first, n)] = np.nan
    sd = stddev(real, first - (timeperiod - 1), timeperiod, 1.0)  # STDDEV's recurrence
    with np.errstate(invalid="ignore", over="ignore"):
        if nbdevup == nbdevdn:
            width = sd * nbdevup
            return middle + width, middle, middle - width
        return middle + sd * nbdevup, middle, middle - sd * nbdevdn


def _lookback(timeperiod, matype):
    if timeperiod <= 1 or matype == 10:
        return 0
    return {3: 2 * (timeperiod - 1), 4: 3 * (timeperiod - 1), 6: timeperiod, 7: 32,
            8: 6 * (timeperiod - 1), 9: timeperiod - 1 + int(np.sqrt(timeperiod)) - 1,
            12: (timeperiod - 1) // 2 + timeperiod - 1}.get(matype, timeperiod - 1)
# --- MIDPOINT, MIDPRICE, SAR -------------------------------------------------------------

from .mathops import _block_extreme  # noqa: E402  (kept with the functions that use it)


def midpoint(real, start, timeperiod):
    with np.errstate(invalid="ignore", over="ignore"):
        return (_block_extreme(real, start, timeperiod, 1.0)
                + _block_extreme(real, start, timeperiod, -1.0)) / 2.0


def midprice(high, low, start, timeperiod):
    with np.errstate(invalid="ignore", over="ignore"):
        return (_block_extreme(high, start, timeperiod, 1.0)
                + _block_extreme(low, start, timeperiod, -1.0)) / 2.0


def sar(high, low, start, acceleration, maximum):
    # A state machine (direction, extreme point, step): a loop over Python floats.
    n = high.shape[0]
    first = start + 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    acc = min(acceleration, maximum)
    hi, lo = high.tolist(), low.tolist()
    up, down = hi[first] - hi[start], lo[start] - lo[first]
    long_ = not (down > 0.0 and up < down)
    ep, s = (hi[first], lo[start]) if long_ else (lo[first], hi[start])
    af = acc
    nh, nl = hi[first], lo[first]
    values = []
    for today in range(first, n):
        ph, pl, nh, nl = nh, nl, hi[today], lo[today]
        if long_ and nl <= s or not long_ and nh >= s:  # reversal: SAR jumps to the EP
            long_ = not long_
            s = _inside(ep, ph, nh, pl, nl, long_)
            values.append(s)
            af = acc
            ep = nh if long_ else nl
            s = _inside(s + af * (ep - s), ph, nh, pl, nl, long_)
            continue
        values.append(s)
        if long_ and nh > ep or not long_ and nl < ep:
            ep = nh if long_ else nl
            af += acc
            if af > maximum:
                af = maximum
        s = _inside(s + af * (ep - s), ph, nh, pl, nl, long_)
    out[first:] = values
    return out


def _inside(s, prev_high, high, prev_low, low, long_):
    """Keep the SAR out of the last two bars: below their lows when long, above the highs
    when short (TA-Lib's comparisons, so a NaN bar leaves it unchanged)."""
    if long_:
        if s > prev_low:
            s = prev_low
        if s > low:
            s = low
    else:
        if s < prev_high:
            s = prev_high
        if s < high:
            s = high
    return s
