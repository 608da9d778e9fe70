"""Metrics kernels: the array cores of Freqtrade's ``freqtrade.data.metrics``.

Inputs are float64 arrays already sorted the way Freqtrade sorts the trades; the facade
``ftaccel.metrics`` does the frame handling. NaN follows pandas' ``skipna`` rules.
"""

import math

import numpy as np

from . import export, helper


@export("UniTuple(f8[::1], 4)(f8[::1], f8)")
def drawdown_series(profit, starting_balance):
    """Cumulative profit, its high-water mark (floored at 0), drawdown and relative drawdown.

    Each output has ``len(profit) + 1`` rows: Freqtrade's leading zero row, then one row per
    trade. NaN profits give NaN rows and are skipped by the running sum and maximum.
    """
    n = profit.shape[0]
    cumulative = np.empty(n + 1)
    high = np.empty(n + 1)
    drawdown = np.empty(n + 1)
    relative = np.empty(n + 1)
    cumulative[0] = 0.0
    high[0] = 0.0
    drawdown[0] = 0.0
    relative[0] = 0.0
    total = -0.0  # -0.0 + x == x: the sum starts at the first profit, as cumsum
    peak = -np.inf
    for i in range(n):
        p = profit[i]
        j = i + 1
        if np.isnan(p):
            cumulative[j] = np.nan
            high[j] = np.nan
            drawdown[j] = np.nan
            relative[j] = np.nan
            continue
        total += p
        if total > peak:
            peak = total
        hv = peak if peak > 0.0 else 0.0  # as np.maximum(0, peak): +0.0 for a -0.0 peak
        cumulative[j] = total
        high[j] = hv
        drawdown[j] = total - hv
        if starting_balance != 0.0:
            top = starting_balance + hv
            relative[j] = (top - (starting_balance + total)) / top
        else:
            relative[j] = (hv - total) / hv
    return cumulative, high, drawdown, relative


@export("i8(f8[::1], i8)")
def argmax_skipnan(values, stop):
    """Index of the first maximum of ``values[:stop]`` ignoring NaN; -1 if all are NaN."""
    best = -1
    for i in range(stop):
        v = values[i]
        if np.isnan(v):
            continue
        if best < 0 or v > values[best]:
            best = i
    return best


@export("i8(f8[::1], i8)")
def argmin_skipnan(values, stop):
    """Index of the first minimum of ``values[:stop]`` ignoring NaN; -1 if all are NaN."""
    best = -1
    for i in range(stop):
        v = values[i]
        if np.isnan(v):
            continue
        if best < 0 or v < values[best]:
            best = i
    return best


@export("UniTuple(f8, 2)(f8[::1])")
def csum_min_max(profit):
    """Minimum and maximum of the running sum of ``profit`` (NaN skipped); NaN if none."""
    total = 0.0
    lo = np.nan
    hi = np.nan
    for i in range(profit.shape[0]):
        p = profit[i]
        if np.isnan(p):
            continue
        total += p
        if np.isnan(lo) or total < lo:
            lo = total
        if np.isnan(hi) or total > hi:
            hi = total
    return lo, hi


@export("UniTuple(f8, 4)(f8[::1])")
def win_loss_sums(profit):
    """Sum and count of the positive values, then of the negative ones.

    The sums are pandas' ``Series.sum`` of the positive (negative) values taken out in
    order: numpy's pairwise sums of the compacted values.
    """
    n = profit.shape[0]
    # wins to buf[:nwin], losses to buf[n + 1:n + 1 + nloss]; every value is stored at
    # both write positions and only the matching one advances (no branches)
    buf = np.empty(2 * n + 2)
    nwin = 0
    nloss = 0
    for i in range(n):
        p = profit[i]
        buf[nwin] = p
        buf[n + 1 + nloss] = p
        nwin += 1 if p > 0.0 else 0
        nloss += 1 if p < 0.0 else 0
    win = 0.0 + _pairwise(buf, 0, nwin)
    loss = 0.0 + _pairwise(buf, n + 1, nloss)
    return win, float(nwin), loss, float(nloss)


@export("f8(f8[::1], i8)")
def nanstd(values, ddof):
    """Standard deviation skipping NaN, two naive passes (as pandas via bottleneck)."""
    return _std_two_pass(values, values.shape[0], ddof)


@export("f8[::1](i8[::1], f8[::1], i8)")
def daily_returns(dates, balance, day):
    """Day-over-day returns of the last balance of each day, as Freqtrade's wallet series.

    ``dates`` are sorted integer timestamps (one unit, midnight-aligned origin), ``day``
    the length of a day in that unit. The last balance of each day with data is kept;
    the returns ``b[i] / b[i-1] - 1`` that come out NaN (``0 / 0``) are dropped, as
    pandas' ``pct_change().dropna()``. Fewer than two days give an empty array.
    """
    n = dates.shape[0]
    last = np.empty(n)
    ndays = 0
    prev_day = 0
    for i in range(n):
        t = dates[i]
        d = t // day
        if ndays > 0 and d == prev_day:
            last[ndays - 1] = balance[i]
        else:
            last[ndays] = balance[i]
            ndays += 1
            prev_day = d
    if ndays < 2:
        return np.empty(0)
    out = np.empty(ndays - 1)
    m = 0
    for i in range(1, ndays):
        r = last[i] / last[i - 1] - 1.0
        if not np.isnan(r):
            out[m] = r
            m += 1
    return out[:m].copy()


@export("UniTuple(f8, 3)(f8[::1], u1[::1])")
def first_last_valid(values, keep):
    """``(status, first, last)`` of the non-NaN values among the kept rows.

    ``keep`` flags the rows to consider (an empty ``keep`` keeps every row). status is 0
    when no row is kept, 1 when the kept rows are all NaN, 2 otherwise.
    """
    n = values.shape[0]
    use_mask = keep.shape[0] > 0
    kept = False
    first = np.nan
    last = np.nan
    found = False
    for i in range(n):
        if use_mask and keep[i] == 0:
            continue
        kept = True
        v = values[i]
        if np.isnan(v):
            continue
        if not found:
            first = v
            found = True
        last = v
    if not kept:
        return 0.0, first, last
    if not found:
        return 1.0, first, last
    return 2.0, first, last


@export("UniTuple(f8[::1], 3)(f8[:, ::1])")
def pairs_mean_relmean_count(mat):
    """Row statistics of a pairs x candles matrix (one pair per row).

    Returns, per candle, the mean over the pairs skipping NaN (NaN when none), the
    cumulative sum of the mean relative change ``x[t] / x[t-1] - 1`` over the pairs
    (NaN changes skipped, a candle without any counts 0), and the count of non-NaN pairs.
    """
    npairs = mat.shape[0]
    n = mat.shape[1]
    mean = np.empty(n)
    rel = np.empty(n)
    count = np.empty(n)
    total = 0.0
    for t in range(n):
        s = 0.0
        c = 0
        rs = 0.0
        rc = 0
        for p in range(npairs):
            v = mat[p, t]
            if not np.isnan(v):
                s += v
                c += 1
            if t > 0:
                r = v / mat[p, t - 1] - 1.0
                if not np.isnan(r):
                    rs += r
                    rc += 1
        mean[t] = s / c if c > 0 else np.nan
        count[t] = c
        if rc > 0:
            rm = rs / rc
            if not np.isnan(rm):
                total += rm
        rel[t] = total
    return mean, rel, count


@export("f8[::1](f8[:, ::1])")
def pairs_mean(mat):
    """Mean over the pairs (rows) of each candle (column), NaN skipped; NaN when none."""
    npairs = mat.shape[0]
    n = mat.shape[1]
    mean = np.empty(n)
    for t in range(n):
        s = 0.0
        c = 0
        for p in range(npairs):
            v = mat[p, t]
            if not np.isnan(v):
                s += v
                c += 1
        mean[t] = s / c if c > 0 else np.nan
    return mean


@export("f8[::1](i8[::1], i8[::1], f8[::1], i8, i8)")
def cum_profit_on_index(index, close, profit, first, freq):
    """Freqtrade's ``create_cum_profit`` column on the candle dates ``index``.

    Profits are summed per bin ``[first + k*freq, first + (k+1)*freq)`` of their close
    date (Kahan-compensated, NaN as 0, as pandas' resample sum), accumulated, and read on
    each candle date that is a bin label; other candles are NaN. Candles dated like the
    first candle are set to 0, then the gaps are forward-filled. ``close`` must be
    non-empty and ``first`` the label of the bin of its earliest date.
    """
    m = close.shape[0]
    last_bin = 0
    for i in range(m):
        k = (close[i] - first) // freq
        if k > last_bin:
            last_bin = k
    nb = last_bin + 1
    sums = np.zeros(nb)
    comp = np.zeros(nb)
    for i in range(m):
        v = profit[i]
        if np.isnan(v):
            continue
        k = (close[i] - first) // freq
        y = v - comp[k]
        t = sums[k] + y
        c = t - sums[k] - y
        comp[k] = 0.0 if np.isnan(c) else c
        sums[k] = t
    total = 0.0
    for k in range(nb):
        total += sums[k]
        sums[k] = total
    n = index.shape[0]
    out = np.empty(n)
    for i in range(n):
        d = index[i] - first
        if d >= 0 and d % freq == 0 and d // freq < nb:
            out[i] = sums[d // freq]
        else:
            out[i] = np.nan
    if n > 0:
        start = index[0]
        for i in range(n):
            if index[i] == start:
                out[i] = 0.0
        for i in range(1, n):
            if np.isnan(out[i]):
                out[i] = out[i - 1]
    return out


@helper
def _betacf(a, b, x):
    """Continued fraction of the incomplete beta (modified Lentz)."""
    tiny = 1e-300
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < tiny:
        d = tiny
    d = 1.0 / d
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < tiny:
            d = tiny
        c = 1.0 + aa / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < tiny:
            d = tiny
        c = 1.0 + aa / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


@helper
def _betainc(a, b, x, y):
    """Regularized incomplete beta ``I_x(a, b)`` with ``y = 1 - x`` given exactly.

    NaN for NaN input; 0 at ``x <= 0`` and 1 at ``y <= 0``.
    """
    if np.isnan(a) or np.isnan(b) or np.isnan(x) or np.isnan(y):
        return np.nan
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x) if x < 0.5
                     else lbeta + a * math.log1p(-y) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


@export("f8(f8, f8, f8, f8)")
def betainc_reg(a, b, x, y):
    """Regularized incomplete beta ``I_x(a, b)`` with ``y = 1 - x`` given exactly.

    NaN for NaN input; 0 at ``x <= 0`` and 1 at ``y <= 0``.
    """
    return _betainc(a, b, x, y)


@export("f8(f8, f8)")
def student_t_two_sided(t, df):
    """Two-sided tail ``P(|T| >= |t|)`` of Student's t with ``df`` degrees of freedom."""
    if np.isnan(t) or np.isnan(df) or df <= 0.0:
        return np.nan
    if np.isinf(t):
        return 0.0
    t2 = t * t
    x = df / (df + t2)
    y = t2 / (df + t2)
    p = _betainc(0.5 * df, 0.5, x, y)
    return min(p, 1.0)


# -- numpy's pairwise summation, without recursion and (up to _PW_CAP values) without heap
#
# numpy sums float64 arrays pairwise: a range of more than 128 values is halved (the left
# half rounded down to a multiple of 8) and the sums of the halves are added; a range of 8
# to 128 values is summed with eight running sums. The same tree gives the same double.
# numba.pycc cannot build a recursive helper in this module, so each tree level is its own
# helper (``_PW_LEVELS`` of them, generated below); a range too deep for them walks the
# tree with an explicit stack whose leaves are the deepest generated level.

_PW_LEVELS = 6
#: the longest range every sub-range of which is at most _PW_LEVELS halvings from a leaf
_PW_CAP = 120 * 2**_PW_LEVELS + 8


@helper
def _z(v):
    return 0.0 if np.isnan(v) else v


@helper
def _leaf(a, lo, n):
    """numpy's pairwise_sum leaf of ``a[lo:lo + n]`` (``n <= 128``), NaN read as 0."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += _z(a[i])
        return res
    r0 = _z(a[lo])
    r1 = _z(a[lo + 1])
    r2 = _z(a[lo + 2])
    r3 = _z(a[lo + 3])
    r4 = _z(a[lo + 4])
    r5 = _z(a[lo + 5])
    r6 = _z(a[lo + 6])
    r7 = _z(a[lo + 7])
    i = lo + 8
    stop = lo + n - (n % 8)
    while i < stop:
        r0 += _z(a[i])
        r1 += _z(a[i + 1])
        r2 += _z(a[i + 2])
        r3 += _z(a[i + 3])
        r4 += _z(a[i + 4])
        r5 += _z(a[i + 5])
        r6 += _z(a[i + 6])
        r7 += _z(a[i + 7])
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < lo + n:
        res += _z(a[i])
        i += 1
    return res


def _sum_level(inner):
    """One more tree level over ``inner`` for :func:`_leaf` sums."""

    @helper
    def level(a, lo, n):
        if n <= 128:
            return _leaf(a, lo, n)
        n2 = n // 2
        n2 -= n2 % 8
        return inner(a, lo, n2) + inner(a, lo + n2, n - n2)

    return level




@helper
def _acc(v, seq, cnt):
    """``v`` with NaN as 0 for the pairwise sum, and the deviation's first pass (the
    sequential sum and the count of the non-NaN values) advanced by ``v``."""
    ok = v == v
    z = v if ok else 0.0
    return z, seq + z, cnt + (1 if ok else 0)  # + 0.0 keeps a sum started at 0.0


@helper
def _stat_leaf(a, lo, n, seq, cnt):
    """:func:`_leaf` of ``a[lo:lo + n]`` that also carries the sequential sum ``seq`` and
    the count ``cnt`` of the non-NaN values through the range, in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            z, seq, cnt = _acc(a[i], seq, cnt)
            res += z
        return res, seq, cnt
    r0, seq, cnt = _acc(a[lo], seq, cnt)
    r1, seq, cnt = _acc(a[lo + 1], seq, cnt)
    r2, seq, cnt = _acc(a[lo + 2], seq, cnt)
    r3, seq, cnt = _acc(a[lo + 3], seq, cnt)
    r4, seq, cnt = _acc(a[lo + 4], seq, cnt)
    r5, seq, cnt = _acc(a[lo + 5], seq, cnt)
    r6, seq, cnt = _acc(a[lo + 6], seq, cnt)
    r7, seq, cnt = _acc(a[lo + 7], seq, cnt)
    i = lo + 8
    stop = lo + n - (n % 8)
    while i < stop:
        z, seq, cnt = _acc(a[i], seq, cnt)
        r0 += z
        z, seq, cnt = _acc(a[i + 1], seq, cnt)
        r1 += z
        z, seq, cnt = _acc(a[i + 2], seq, cnt)
        r2 += z
        z, seq, cnt = _acc(a[i + 3], seq, cnt)
        r3 += z
        z, seq, cnt = _acc(a[i + 4], seq, cnt)
        r4 += z
        z, seq, cnt = _acc(a[i + 5], seq, cnt)
        r5 += z
        z, seq, cnt = _acc(a[i + 6], seq, cnt)
        r6 += z
        z, seq, cnt = _acc(a[i + 7], seq, cnt)
        r7 += z
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < lo + n:
        z, seq, cnt = _acc(a[i], seq, cnt)
        res += z
        i += 1
    return res, seq, cnt


def _stat_level(inner):
    """One more tree level over ``inner`` for :func:`_stat_leaf` (left half first)."""

    @helper
    def level(a, lo, n, seq, cnt):
        if n <= 128:
            return _stat_leaf(a, lo, n, seq, cnt)
        n2 = n // 2
        n2 -= n2 % 8
        left, seq, cnt = inner(a, lo, n2, seq, cnt)
        right, seq, cnt = inner(a, lo + n2, n - n2, seq, cnt)
        return left + right, seq, cnt

    return level


_sum_top = _leaf
_stat_top = _stat_leaf
for _ in range(_PW_LEVELS):
    _sum_top = _sum_level(_sum_top)
    _stat_top = _stat_level(_stat_top)
del _


@helper
def _pw_stack(n):
    """The explicit stack of :func:`_pairwise` (depth < 64)."""
    return (np.empty(64, dtype=np.int64), np.empty(64, dtype=np.int64),
            np.empty(64, dtype=np.int64), np.empty(64))


@helper
def _pairwise(a, lo, n):
    """numpy's pairwise sum of ``a[lo:lo + n]``, NaN read as 0 (same tree, same double)."""
    if n <= _PW_CAP:
        return _sum_top(a, lo, n)
    s_lo, s_n, s_state, vals = _pw_stack(n)
    s_lo[0] = lo
    s_n[0] = n
    s_state[0] = 0
    sp = 1
    vp = 0
    while sp > 0:
        top = sp - 1
        cur_lo = s_lo[top]
        cur_n = s_n[top]
        if cur_n <= _PW_CAP:
            vals[vp] = _sum_top(a, cur_lo, cur_n)
            vp += 1
            sp -= 1
            continue
        n2 = cur_n // 2
        n2 -= n2 % 8
        state = s_state[top]
        if state == 2:
            vals[vp - 2] = vals[vp - 2] + vals[vp - 1]
            vp -= 1
            sp -= 1
            continue
        s_state[top] = state + 1
        s_lo[sp] = cur_lo if state == 0 else cur_lo + n2
        s_n[sp] = n2 if state == 0 else cur_n - n2
        s_state[sp] = 0
        sp += 1
    return vals[0]


@helper
def _stat_pairwise(a, n):
    """``(pairwise sum, sequential sum, count)`` of ``a[:n]``, NaN as 0 / skipped: numpy's
    sum and the first pass of bottleneck's deviation in one walk."""
    if n <= _PW_CAP:
        return _stat_top(a, 0, n, 0.0, 0)
    s_lo, s_n, s_state, vals = _pw_stack(n)
    seq = 0.0
    cnt = 0
    s_lo[0] = 0
    s_n[0] = n
    s_state[0] = 0
    sp = 1
    vp = 0
    while sp > 0:
        top = sp - 1
        cur_lo = s_lo[top]
        cur_n = s_n[top]
        if cur_n <= _PW_CAP:
            part, seq, cnt = _stat_top(a, cur_lo, cur_n, seq, cnt)
            vals[vp] = part
            vp += 1
            sp -= 1
            continue
        n2 = cur_n // 2
        n2 -= n2 % 8
        state = s_state[top]
        if state == 2:
            vals[vp - 2] = vals[vp - 2] + vals[vp - 1]
            vp -= 1
            sp -= 1
            continue
        s_state[top] = state + 1
        s_lo[sp] = cur_lo if state == 0 else cur_lo + n2
        s_n[sp] = n2 if state == 0 else cur_n - n2
        s_state[sp] = 0
        sp += 1
    return vals[0], seq, cnt


@helper
def _std_second_pass(r, n, ddof, total, count):
    """Deviation of ``r[:n]`` given the first pass (sequential sum and count of the
    non-NaN values): bottleneck's sequential sum of squared deviations."""
    if count <= ddof:
        return np.nan
    mean = total / count
    sq = 0.0
    for i in range(n):
        v = r[i]
        d = v - mean
        sq += d * d if v == v else 0.0
    return np.sqrt(sq / (count - ddof))


@helper
def _std_two_pass(r, n, ddof):
    """Deviation of ``r[:n]`` with ``ddof``, NaN skipped, in bottleneck's order: a
    sequential sum for the mean, then a sequential sum of squared deviations."""
    total = 0.0
    count = 0
    for i in range(n):
        v = r[i]
        ok = v == v
        total += v if ok else 0.0  # + 0.0 leaves a sum that started at 0.0 unchanged
        count += 1 if ok else 0
    return _std_second_pass(r, n, ddof, total, count)


@export("UniTuple(f8, 3)(f8[::1], f8, i8, i8)")
def returns_stats(profit, starting_balance, ddof, downside):
    """Statistics of the returns ``profit / starting_balance`` as pandas computes them.

    Returns ``(sum, count, std)``: the sum with NaN as 0 (numpy's pairwise order), the
    count of non-NaN returns and their standard deviation with ``ddof`` (NaN skipped, two
    passes as bottleneck) -- of the returns of the losing trades (``profit < 0``) only
    when ``downside`` is 1 (then count is NaN).
    """
    n = profit.shape[0]
    r = np.empty(n)
    for i in range(n):  # one vectorizable pass: each return is divided once
        r[i] = profit[i] / starting_balance
    if downside == 0:
        total, seq, count = _stat_pairwise(r, n)
        return 0.0 + total, float(count), _std_second_pass(r, n, ddof, seq, count)
    total = 0.0 + _pairwise(r, 0, n)
    nd = 0
    for i in range(n):  # the losses' returns to the front, in order, without branches
        r[nd] = r[i]
        nd += 1 if profit[i] < 0.0 else 0
    return total, np.nan, _std_two_pass(r, nd, ddof)


@export("f8(f8[::1])")
def pairwise_sum(values):
    """Sum with NaN as 0 in numpy's pairwise order (pandas' ``Series.sum``)."""
    return 0.0 + _pairwise(values, 0, values.shape[0])
