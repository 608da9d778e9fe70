"""Overlap studies (moving averages and bands), TA-Lib compatible."""

import numpy as np

from .. import export, helper, mul_add, unfused
from ._common import nan_head
from .cycle import _mama
from .statistic import _st_stddev, _st_stddev_sma

NAN = np.nan


@helper
def _sma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    total = 0.0
    for i in range(start, first):
        total += real[i]
    x = real[first:]
    leaving = real[start:n - timeperiod + 1]
    o = out[first:]
    for j in range(o.shape[0]):
        total += x[j]
        value = total
        total -= leaving[j]
        o[j] = value / timeperiod
    return out


@export("f8[::1](f8[::1], i8, i8)")
def sma(real, start, timeperiod):
    """Simple moving average. Lookback ``timeperiod - 1``; a NaN poisons the running sum."""
    return _sma(real, start, timeperiod)


@helper
def _ema(real, start, timeperiod):
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    if timeperiod == 1:
        for i in range(first, n):
            out[i] = real[i]
        return out
    k = 2.0 / (timeperiod + 1)
    total = 0.0
    for i in range(start, first + 1):
        total += real[i]
    prev = total / timeperiod
    out[first] = prev
    x = real[first + 1:]
    o = out[first + 1:]
    for j in range(o.shape[0]):
        prev = (x[j] - prev) * k + prev
        o[j] = prev
    return out


@export("f8[::1](f8[::1], i8, i8)")
def ema(real, start, timeperiod):
    """Exponential moving average, k = 2/(timeperiod+1), seeded with the SMA of the
    first ``timeperiod`` values. Lookback ``timeperiod - 1``; a NaN poisons the rest
    (``timeperiod == 1`` copies the input, as TA-Lib does)."""
    return _ema(real, start, timeperiod)


@helper
def _ema_stack(real, start, timeperiod, depth):
    """DEMA (``depth`` 2) or TEMA (3) in one pass: the EMAs of EMAs advance together, so
    their dependency chains overlap instead of running one array pass each. Each EMA is
    seeded with the SMA of its input's first ``timeperiod`` values, as TA-Lib chains them."""
    n = real.shape[0]
    last_seed = start + depth * (timeperiod - 1)
    out = nan_head(n, last_seed)
    if last_seed >= n:
        return out
    k = 2.0 / (timeperiod + 1)
    i = start + timeperiod - 1
    total = 0.0
    for t in range(start, i + 1):
        total += real[t]
    e1 = total / timeperiod
    total = e1
    for t in range(i + 1, i + timeperiod):
        e1 = (real[t] - e1) * k + e1
        total += e1
    e2 = total / timeperiod
    i += timeperiod - 1
    x = real[last_seed + 1:]
    o = out[last_seed + 1:]
    if depth == 2:
        out[last_seed] = 2.0 * e1 - e2
        for j in range(o.shape[0]):
            e1 = (x[j] - e1) * k + e1
            e2 = (e1 - e2) * k + e2
            o[j] = 2.0 * e1 - e2
        return out
    total = e2
    for t in range(i + 1, i + timeperiod):
        e1 = (real[t] - e1) * k + e1
        e2 = (e1 - e2) * k + e2
        total += e2
    e3 = total / timeperiod
    # TA-Lib's FMA build fuses the EMA steps but not this sum; ``+ 0.0`` keeps the two
    # products finished values in the FMA module too (see _t3)
    out[last_seed] = (3.0 * e1 + 0.0) - (3.0 * e2 + 0.0) + e3
    for j in range(o.shape[0]):
        e1 = (x[j] - e1) * k + e1
        e2 = (e1 - e2) * k + e2
        e3 = (e2 - e3) * k + e3
        o[j] = (3.0 * e1 + 0.0) - (3.0 * e2 + 0.0) + e3
    return out


@helper
def _dema(real, start, timeperiod):
    if timeperiod == 1:
        return _ema(real, start, 1)
    return _ema_stack(real, start, timeperiod, 2)


@helper
def _tema(real, start, timeperiod):
    if timeperiod == 1:
        return _ema(real, start, 1)
    return _ema_stack(real, start, timeperiod, 3)


@helper
@unfused
def _wma(real, start, timeperiod):
    # TA-Lib's order: the trailing value leaves periodSub one row late, right after the
    # new value enters, and the sums are rebuilt from the window every 8*timeperiod rows
    # (here: straight runs between rebuild rows, over views from 0).
    n = real.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    if timeperiod == 1:
        out[first:] = real[first:]
        return out
    divider = timeperiod * (timeperiod + 1) / 2.0
    pf = float(timeperiod)
    psum = 0.0
    psub = 0.0
    w = 1
    for i in range(start, first):
        psub += real[i]
        psum += real[i] * w
        w += 1
    x = real[first:]
    leaving = real[start:]
    o = out[first:]
    m = o.shape[0]
    period = 8 * timeperiod
    v = x[0]
    psub += v
    psum += v * pf
    o[0] = psum / divider
    psum -= psub
    r = 1
    reseed_at = period - 1
    while r < m:
        end = min(reseed_at, m)
        xs = x[r:end]
        ls = leaving[r - 1:end - 1]
        os = o[r:end]
        for j in range(os.shape[0]):
            v = xs[j]
            psub += v
            psub -= ls[j]
            psum += v * pf
            os[j] = psum / divider
            psum -= psub
        r = end
        if r < m:
            win = real[first + r + 1 - timeperiod:first + r + 1]
            psub = 0.0
            psum = 0.0
            w = 1
            for q in range(timeperiod):
                psub += win[q]
                psum += win[q] * w
                w += 1
            o[r] = psum / divider
            psum -= psub
            r += 1
            reseed_at += period
    return out


@export("f8[::1](f8[::1], i8, i8)")
def wma(real, start, timeperiod):
    """Linearly weighted moving average (weights 1..timeperiod). Lookback ``timeperiod - 1``.

    Like TA-Lib 0.8 the running sums are rebuilt from the window every ``8 * timeperiod``
    outputs, so a NaN/inf spoils the output only until the next rebuild.
    """
    return _wma(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def dema(real, start, timeperiod):
    """Double EMA ``2*e1 - e2`` (e2 the EMA of e1). Lookback ``2*(timeperiod-1)``;
    ``timeperiod == 1`` copies the input."""
    return _dema(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def tema(real, start, timeperiod):
    """Triple EMA ``3*e1 - 3*e2 + e3``. Lookback ``3*(timeperiod-1)``;
    ``timeperiod == 1`` copies the input."""
    return _tema(real, start, timeperiod)


# --- TRIMA, KAMA, T3, HMA, ZLEMA, RMA, the generic MA (``_ma``) and BBANDS ---------------


@helper
def _copy_from(real, start):
    n = real.shape[0]
    out = nan_head(n, start)
    for i in range(start, n):
        out[i] = real[i]
    return out


@helper
def _trima(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    half = timeperiod >> 1
    odd = timeperiod % 2 == 1
    if odd:
        factor = 1.0 / ((half + 1.0) * (half + 1))
        middle = start + half
    else:
        factor = 1.0 / (half * (half + 1.0))
        middle = start + half - 1
    today = middle + half
    numerator = 0.0
    num_sub = 0.0
    for i in range(middle, start - 1, -1):
        num_sub += real[i]
        numerator += num_sub
    num_add = 0.0
    middle += 1
    for i in range(middle, today + 1):
        num_add += real[i]
        numerator += num_add
    trailing = start
    temp = real[trailing]
    trailing += 1
    out[first] = numerator * factor
    today += 1
    if today >= n:
        return out
    mid = real[middle:]
    new = real[today:]
    old = real[trailing:]
    o = out[today:]
    if odd:
        for j in range(o.shape[0]):
            numerator -= num_sub
            num_sub -= temp
            temp = mid[j]
            num_sub += temp
            numerator += num_add
            num_add -= temp
            temp = new[j]
            num_add += temp
            numerator += temp
            temp = old[j]
            o[j] = numerator * factor
    else:
        for j in range(o.shape[0]):
            numerator -= num_sub
            num_sub -= temp
            temp = mid[j]
            num_sub += temp
            num_add -= temp
            numerator += num_add
            temp = new[j]
            num_add += temp
            numerator += temp
            temp = old[j]
            o[j] = numerator * factor
    return out


@helper
def _kama(real, start, timeperiod):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    const_max = 2.0 / (30.0 + 1.0)
    const_diff = 2.0 / (2.0 + 1.0) - const_max
    sum_roc = 0.0
    null_run = 0
    for i in range(start, first):
        t = real[i] - real[i + 1]
        sum_roc += abs(t)
        if t == 0.0:
            null_run += 1
        else:
            null_run = 0
    prev = real[first - 1]
    trailing_value = real[start]
    period_roc = real[first] - trailing_value
    if sum_roc <= 0.0 or sum_roc <= period_roc:
        er = 1.0
    else:
        er = abs(period_roc / sum_roc)
        if er > 1.0:
            er = 1.0
    sc = er * const_diff + const_max
    sc *= sc
    prev = (real[first] - prev) * sc + prev
    out[first] = prev
    x = real[first + 1:]
    xp = real[first:n - 1]
    tr = real[start + 1:n - timeperiod]
    o = out[first + 1:]
    for j in range(o.shape[0]):
        t = x[j]
        t2 = tr[j]
        period_roc = t - t2
        sum_roc -= abs(trailing_value - t2)
        d = t - xp[j]
        sum_roc += abs(d)
        if d == 0.0:
            null_run += 1
        else:
            null_run = 0
        if null_run >= timeperiod:
            null_run = timeperiod
            sum_roc = 0.0
        trailing_value = t2
        if sum_roc <= 0.0 or sum_roc <= period_roc:
            er = 1.0
        else:
            er = abs(period_roc / sum_roc)
            if er > 1.0:
                er = 1.0
        sc = er * const_diff + const_max
        sc *= sc
        prev = (t - prev) * sc + prev
        o[j] = prev
    return out


@helper
def _t3(real, start, timeperiod, vfactor):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    lookback = 6 * (timeperiod - 1)
    first = start + lookback
    out = nan_head(n, first)
    if first >= n:
        return out
    k = 2.0 / (timeperiod + 1.0)
    omk = 1.0 - k
    # Written so that the FMA module rounds as TA-Lib's FMA build does: each step becomes
    # fma(omk, e, k * x), and the output fma(c4, e3, fma(c3, e4, fma(c1, e6, c2 * e5))).
    # Of a sum of two products LLVM fuses the one it likes; ``+ 0.0`` (not an identity
    # for -0.0, so never removed) makes the other product a finished value, which leaves
    # it one choice. The portable module computes the same numbers (signs of zero aside).
    today = start
    total = real[today]
    today += 1
    for _ in range(timeperiod - 1):
        total += real[today]
        today += 1
    e1 = total / timeperiod
    total = e1
    for _ in range(timeperiod - 1):
        e1 = omk * e1 + (k * real[today] + 0.0)
        today += 1
        total += e1
    e2 = total / timeperiod
    total = e2
    for _ in range(timeperiod - 1):
        e1 = omk * e1 + (k * real[today] + 0.0)
        today += 1
        e2 = omk * e2 + (k * e1 + 0.0)
        total += e2
    e3 = total / timeperiod
    total = e3
    for _ in range(timeperiod - 1):
        e1 = omk * e1 + (k * real[today] + 0.0)
        today += 1
        e2 = omk * e2 + (k * e1 + 0.0)
        e3 = omk * e3 + (k * e2 + 0.0)
        total += e3
    e4 = total / timeperiod
    total = e4
    for _ in range(timeperiod - 1):
        e1 = omk * e1 + (k * real[today] + 0.0)
        today += 1
        e2 = omk * e2 + (k * e1 + 0.0)
        e3 = omk * e3 + (k * e2 + 0.0)
        e4 = omk * e4 + (k * e3 + 0.0)
        total += e4
    e5 = total / timeperiod
    total = e5
    for _ in range(timeperiod - 2):
        e1 = omk * e1 + (k * real[today] + 0.0)
        today += 1
        e2 = omk * e2 + (k * e1 + 0.0)
        e3 = omk * e3 + (k * e2 + 0.0)
        e4 = omk * e4 + (k * e3 + 0.0)
        e5 = omk * e5 + (k * e4 + 0.0)
        total += e5
    v2 = vfactor * vfactor
    c1 = -(v2 * vfactor)
    c2 = 3.0 * (v2 - c1)
    # TA-Lib's FMA build fuses none of the coefficients' products: finished values
    c3 = (-6.0 * v2 + 0.0) - (3.0 * (vfactor - c1) + 0.0)
    c4 = ((1.0 + (3.0 * vfactor + 0.0)) - c1) + (3.0 * v2 + 0.0)
    # the last priming step also produces the first output
    e1 = omk * e1 + (k * real[today] + 0.0)
    today += 1
    e2 = omk * e2 + (k * e1 + 0.0)
    e3 = omk * e3 + (k * e2 + 0.0)
    e4 = omk * e4 + (k * e3 + 0.0)
    e5 = omk * e5 + (k * e4 + 0.0)
    total += e5
    e6 = total / timeperiod
    out[first] = c1 * e6 + (c2 * e5 + 0.0) + c3 * e4 + c4 * e3
    x = real[today:]
    o = out[today:]
    for j in range(o.shape[0]):
        e1 = omk * e1 + (k * x[j] + 0.0)
        e2 = omk * e2 + (k * e1 + 0.0)
        e3 = omk * e3 + (k * e2 + 0.0)
        e4 = omk * e4 + (k * e3 + 0.0)
        e5 = omk * e5 + (k * e4 + 0.0)
        e6 = omk * e6 + (k * e5 + 0.0)
        o[j] = c1 * e6 + (c2 * e5 + 0.0) + c3 * e4 + c4 * e3
    return out


@helper
@unfused
def _wma_sums(src, end, p):
    """Running sums (``psub``, ``psum``) of a WMA rebuilt from ``src[end - p + 1 : end + 1]``
    with weights 1..p."""
    win = src[end + 1 - p:end + 1]
    psub = 0.0
    psum = 0.0
    w = 1
    for q in range(p):
        psub += win[q]
        psum += win[q] * w
        w += 1
    return psub, psum


@helper
@unfused
def _hma_delag(real, start, timeperiod, half, diff):
    """``diff[i] = 2 * WMA(half)[i] - WMA(timeperiod)[i]`` from ``start + timeperiod - 1``,
    both WMAs with :func:`_wma`'s arithmetic and rebuilds, in straight runs between
    rebuild rows."""
    n = real.shape[0]
    p = timeperiod
    f1 = start + p - 1
    s_b = f1 - half + 1
    div_a = p * (p + 1) / 2.0
    pf_a = float(p)
    div_b = half * (half + 1) / 2.0
    pf_b = float(half)
    sub_a, sum_a = _wma_sums(real, f1 - 1, p - 1)
    sub_b, sum_b = _wma_sums(real, f1 - 1, half - 1)
    # row 0: nothing leaves yet
    v = real[f1]
    sub_a += v
    sum_a += v * pf_a
    full = sum_a / div_a
    sum_a -= sub_a
    sub_b += v
    sum_b += v * pf_b
    hv = sum_b / div_b
    sum_b -= sub_b
    diff[f1] = 2.0 * hv - full
    per_a = 8 * p
    per_b = 8 * half
    next_a = per_a - 1
    next_b = per_b - 1
    x = real[f1:]
    ta = real[start:]
    tb = real[s_b:]
    dd = diff[f1:]
    m = n - f1
    r = 1
    while r < m:
        end = min(next_a, next_b, m)
        xs = x[r:end]
        tas = ta[r - 1:end - 1]
        tbs = tb[r - 1:end - 1]
        ds = dd[r:end]
        for j in range(ds.shape[0]):
            v = xs[j]
            sub_a += v
            sub_a -= tas[j]
            sum_a += v * pf_a
            full = sum_a / div_a
            sum_a -= sub_a
            sub_b += v
            sub_b -= tbs[j]
            sum_b += v * pf_b
            hv = sum_b / div_b
            sum_b -= sub_b
            ds[j] = 2.0 * hv - full
        r = end
        if r >= m:
            break
        # row r rebuilds at least one of the two WMAs
        i = f1 + r
        v = real[i]
        if r == next_a:
            sub_a, sum_a = _wma_sums(real, i, p)
            next_a += per_a
        else:
            sub_a += v
            sub_a -= ta[r - 1]
            sum_a += v * pf_a
        full = sum_a / div_a
        sum_a -= sub_a
        if r == next_b:
            sub_b, sum_b = _wma_sums(real, i, half)
            next_b += per_b
        else:
            sub_b += v
            sub_b -= tb[r - 1]
            sum_b += v * pf_b
        hv = sum_b / div_b
        sum_b -= sub_b
        dd[r] = 2.0 * hv - full
        r += 1


@helper
@unfused
def _wma_in_place(buf, start, p):
    """:func:`_wma` of ``buf`` from ``start``, written over ``buf`` itself (NaN up to
    ``start + p - 2``); the last ``p`` inputs are kept in a small ring, not a second
    full-length array (a fresh temporary costs its page faults on every call)."""
    n = buf.shape[0]
    first = start + p - 1
    if first >= n:
        buf[start:] = NAN
        return buf
    ring = np.empty(p)
    div = p * (p + 1) / 2.0
    pf = float(p)
    psub = 0.0
    psum = 0.0
    w = 1
    for q in range(p - 1):
        v = buf[start + q]
        ring[q] = v
        buf[start + q] = NAN
        psub += v
        psum += v * w
        w += 1
    k = p - 1
    o = buf[first:]
    # row 0: nothing leaves yet
    v = o[0]
    ring[k] = v
    k = 0
    psub += v
    psum += v * pf
    o[0] = psum / div
    psum -= psub
    rebuild = 8 * p - 1
    for j in range(1, o.shape[0]):
        v = o[j]
        gone = ring[k]
        ring[k] = v
        k += 1
        if k == p:
            k = 0
        psub += v
        psub -= gone
        psum += v * pf
        if j == rebuild:
            rebuild += 8 * p
            psub = 0.0
            psum = 0.0
            w = 1
            for q in range(k, p):
                psub += ring[q]
                psum += ring[q] * w
                w += 1
            for q in range(k):
                psub += ring[q]
                psum += ring[q] * w
                w += 1
        o[j] = psum / div
        psum -= psub
    return buf


@helper
@unfused
def _hma(real, start, timeperiod):
    """Hull MA: WMA over ``sqrt(timeperiod)`` rows of ``2 * WMA(timeperiod / 2) -
    WMA(timeperiod)``. Each WMA keeps :func:`_wma`'s arithmetic and its own rebuild every
    8 periods, so results equal three separate WMA passes. The two WMAs of the price run
    in one pass (:func:`_hma_delag`) into the output, the outer one over it in place
    (one loop holding all three divisions ran slower, and so did a second full-length
    array)."""
    n = real.shape[0]
    p = timeperiod
    if p == 1:
        return _copy_from(real, start)
    f1 = start + p - 1                   # first row of the full and the half WMA
    if f1 >= n:
        return nan_head(n, n)
    if p <= 3:  # half and sqrt periods are 1: ``2 * real - WMA(real, p)``
        out = _wma(real, start, p)
        o = out[f1:]
        x = real[f1:]
        for j in range(o.shape[0]):
            o[j] = 2.0 * x[j] - o[j]
        return out
    out = nan_head(n, f1)
    _hma_delag(real, start, p, p // 2, out)
    return _wma_in_place(out, f1, int(np.sqrt(float(p))))


@helper
def _zlema(real, start, timeperiod):
    n = real.shape[0]
    if timeperiod == 1:
        return _copy_from(real, start)
    lag = (timeperiod - 1) // 2
    first = start + lag + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    k = 2.0 / (timeperiod + 1)
    trailing = start
    today = start + lag
    total = 0.0
    for _ in range(timeperiod):
        total += 2.0 * real[today] - real[trailing]
        today += 1
        trailing += 1
    prev = total / timeperiod
    out[first] = prev
    while today < n:
        prev = ((2.0 * real[today] - real[trailing]) - prev) * k + prev
        out[today] = prev
        today += 1
        trailing += 1
    return out


@helper
def _rma(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    beta = (timeperiod - 1.0) / timeperiod
    alpha = 1.0 - beta
    total = 0.0
    for i in range(start, first + 1):
        total += real[i]
    prev = total / timeperiod
    out[first] = prev
    for i in range(first + 1, n):
        prev = alpha * real[i] + beta * prev
        out[i] = prev
    return out


@helper
def _ma_at(real, start, timeperiod, matype, base):
    """TA-Lib's MA dispatch: ``matype`` 0..13 (11, "the caller's default", must be
    resolved by the caller; here it means SMA). Computes from ``start`` (TA-Lib's
    ``startIdx - lookback``); ``base`` is the first row of the caller's buffer (MAMA's
    bar parity)."""
    if timeperiod == 1 or matype == 10:
        return _copy_from(real, start)
    if matype == 1:
        return _ema(real, start, timeperiod)
    if matype == 2:
        return _wma(real, start, timeperiod)
    if matype == 3:
        return _dema(real, start, timeperiod)
    if matype == 4:
        return _tema(real, start, timeperiod)
    if matype == 5:
        return _trima(real, start, timeperiod)
    if matype == 6:
        return _kama(real, start, timeperiod)
    if matype == 7:
        return _mama(real, start, 0.5, 0.05, base)[0]
    if matype == 8:
        return _t3(real, start, timeperiod, 0.7)
    if matype == 9:
        return _hma(real, start, timeperiod)
    if matype == 12:
        return _zlema(real, start, timeperiod)
    if matype == 13:
        return _rma(real, start, timeperiod)
    return _sma(real, start, timeperiod)


@helper
def _ma(real, start, timeperiod, matype):
    return _ma_at(real, start, timeperiod, matype, start)


@helper
def _ma_lookback(timeperiod, matype):
    if timeperiod <= 1 or matype == 10:
        return 0
    if matype == 3:
        return 2 * (timeperiod - 1)
    if matype == 4:
        return 3 * (timeperiod - 1)
    if matype == 6:
        return timeperiod
    if matype == 7:
        return 32
    if matype == 8:
        return 6 * (timeperiod - 1)
    if matype == 9:
        return timeperiod - 1 + int(np.sqrt(float(timeperiod))) - 1
    if matype == 12:
        return (timeperiod - 1) // 2 + timeperiod - 1
    return timeperiod - 1


@export("f8[::1](f8[::1], i8, i8)")
def trima(real, start, timeperiod):
    """Triangular moving average (an SMA of an SMA), TA-Lib's running-sum form.
    Lookback ``timeperiod - 1``; a NaN poisons the running sums."""
    return _trima(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def kama(real, start, timeperiod):
    """Kaufman adaptive moving average (fast 2, slow 30). Lookback ``timeperiod``;
    ``timeperiod == 1`` copies the input; a NaN poisons the rest."""
    return _kama(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8, f8)")
def t3(real, start, timeperiod, vfactor):
    """Tillson T3: six chained EMAs combined with volume factor ``vfactor``.
    Lookback ``6 * (timeperiod - 1)``; ``timeperiod == 1`` copies the input."""
    return _t3(real, start, timeperiod, vfactor)


@export("f8[::1](f8[::1], i8, i8, i8)")
def ma(real, start, timeperiod, matype):
    """Moving average of type ``matype`` (TA-Lib's MA_Type 0..13; 11 = SMA, MA's default).
    Lookback that of the chosen average; ``timeperiod == 1`` or ``matype == 10`` copies."""
    return _ma(real, start, timeperiod, 0 if matype == 11 else matype)




@export("UniTuple(f8[::1], 3)(f8[::1], i8, i8, f8, f8, i8)")
@unfused
def bbands(real, start, timeperiod, nbdevup, nbdevdn, matype):
    """Bollinger bands: middle = MA(``matype``), upper/lower = middle +/- nbdev * stddev
    (population, over ``timeperiod`` rows). Lookback ``max(MA lookback, timeperiod - 1)``;
    a NaN poisons the running sums from there on."""
    if matype == 11:
        matype = 0
    n = real.shape[0]
    lb_ma = _ma_lookback(timeperiod, matype)
    lookback = max(lb_ma, timeperiod - 1)
    first = start + lookback
    # the deviation array (NaN up to ``first`` like the bands) becomes the upper band
    if matype == 0:  # SMA: middle band and deviation from one pass, as TA-Lib
        upper, middle = _st_stddev_sma(real, start, timeperiod, 1.0)
    else:
        middle = _ma(real, start, timeperiod, matype)
        upper = _st_stddev(real, first - (timeperiod - 1), timeperiod, 1.0)[0]
    lower = nan_head(n, first)
    for i in range(min(first, n)):
        middle[i] = NAN
    if first >= n:
        return upper, middle, lower
    s = upper[first:]
    mv = middle[first:]
    up = s
    lo = lower[first:]
    if nbdevup == nbdevdn:
        for j in range(s.shape[0]):
            t = s[j] * nbdevup
            m = mv[j]
            up[j] = m + t
            lo[j] = m - t
    else:
        # TA-Lib's FMA build fuses this upper band, not the lower one
        for j in range(s.shape[0]):
            m = mv[j]
            d = s[j]  # read before the same slot is overwritten with the upper band
            up[j] = mul_add(d, nbdevup, m)
            lo[j] = m - d * nbdevdn
    return upper, middle, lower
# --- MIDPOINT, MIDPRICE, SAR -------------------------------------------------------------

from .mathops import _midpoint_scan  # noqa: E402  (kept with the functions that use it)


@export("f8[::1](f8[::1], i8, i8)")
def midpoint(real, start, timeperiod):
    """``(highest + lowest) / 2`` over ``timeperiod`` rows. Lookback ``timeperiod - 1``;
    the extremes are MAX/MIN's (their NaN rule)."""
    return _midpoint_scan(real, real, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def midprice(high, low, start, timeperiod):
    """``(highest high + lowest low) / 2`` over ``timeperiod`` rows. Lookback
    ``timeperiod - 1``; the extremes are MAX/MIN's (their NaN rule)."""
    return _midpoint_scan(high, low, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], i8, f8, f8)")
def sar(high, low, start, acceleration, maximum):
    """Wilder's parabolic SAR. Lookback 1: the first bar only seeds it (long unless its -DM
    to the second bar is positive; SAR starts at the first bar's low/high). The step
    ``af`` starts at ``acceleration`` (capped at ``maximum``) and grows by it with each new
    extreme point up to ``maximum``; the SAR never enters the last two bars' range."""
    n = high.shape[0]
    out = np.empty(n)
    first = start + 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    if acceleration > maximum:
        acceleration = maximum
    af = acceleration
    dp = high[first] - high[start]
    dm = low[start] - low[first]
    is_long = not (dm > 0.0 and dp < dm)
    if is_long:
        ep = high[first]
        s = low[start]
    else:
        ep = low[first]
        s = high[start]
    new_low = low[first]
    new_high = high[first]
    hv = high[first:]
    lv = low[first:]
    o = out[first:]
    for j in range(o.shape[0]):
        prev_low = new_low
        prev_high = new_high
        new_low = lv[j]
        new_high = hv[j]
        if is_long:
            if new_low <= s:
                is_long = False
                s = ep
                s = prev_high if s < prev_high else s
                s = new_high if s < new_high else s
                o[j] = s
                af = acceleration
                ep = new_low
                s = s + af * (ep - s)
                s = prev_high if s < prev_high else s
                s = new_high if s < new_high else s
            else:
                o[j] = s
                step = af + acceleration
                step = maximum if step > maximum else step
                grow = new_high > ep
                ep = new_high if grow else ep
                af = step if grow else af
                s = s + af * (ep - s)
                s = prev_low if s > prev_low else s
                s = new_low if s > new_low else s
        elif new_high >= s:
            is_long = True
            s = ep
            s = prev_low if s > prev_low else s
            s = new_low if s > new_low else s
            o[j] = s
            af = acceleration
            ep = new_high
            s = s + af * (ep - s)
            s = prev_low if s > prev_low else s
            s = new_low if s > new_low else s
        else:
            o[j] = s
            step = af + acceleration
            step = maximum if step > maximum else step
            grow = new_low < ep
            ep = new_low if grow else ep
            af = step if grow else af
            s = s + af * (ep - s)
            s = prev_high if s < prev_high else s
            s = new_high if s < new_high else s
    return out
