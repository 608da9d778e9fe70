"""Momentum indicators, TA-Lib compatible."""

import numpy as np

from .. import export, helper
from ._common import nan_head

NAN = np.nan


@export("f8[::1](f8[::1], i8, i8)")
def rsi(real, start, timeperiod):
    """Wilder's relative strength index, 0..100. Lookback ``timeperiod``.

    A zero or NaN gain+loss total gives 0 (TA-Lib tests the total with ``> 0``).
    """
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    inv_period = 1.0 / timeperiod
    keep = timeperiod - 1.0
    gain = 0.0
    loss = 0.0
    prev = real[start]
    for i in range(start + 1, first + 1):
        diff = real[i] - prev
        prev = real[i]
        up = diff if diff > 0.0 else 0.0
        gain += up
        loss += up - diff
    loss *= inv_period
    gain *= inv_period
    total = gain + loss
    out[first] = 100.0 * (gain / total) if total > 0.0 else 0.0
    for i in range(first + 1, n):
        diff = real[i] - prev
        prev = real[i]
        loss *= keep
        gain *= keep
        up = diff if diff > 0.0 else 0.0
        gain += up
        loss += up - diff
        loss *= inv_period
        gain *= inv_period
        total = gain + loss
        out[i] = 100.0 * (gain / total) if total > 0.0 else 0.0
    return out


@export("f8[::1](f8[::1], i8, i8)")
def mom(real, start, timeperiod):
    """Momentum ``real[i] - real[i - timeperiod]``. Lookback ``timeperiod``; NaN propagates."""
    n = real.shape[0]
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    x = real[first:]
    prev = real[start:n - timeperiod]
    o = out[first:]
    for j in range(o.shape[0]):
        o[j] = x[j] - prev[j]
    return out


def _make_roc(kind):
    """ROC (``kind`` 0), ROCP (1) or ROCR (2) compiled for one constant ``kind``. The
    quotient is computed on every row and a zero ``prev`` selects 0 afterwards (same
    values as TA-Lib's branch), which lets the loop vectorise."""

    def run(real, start, timeperiod):
        n = real.shape[0]
        first = start + timeperiod
        out = nan_head(n, first)
        if first >= n:
            return out
        x = real[first:]
        before = real[start:n - timeperiod]
        o = out[first:]
        for j in range(o.shape[0]):
            prev = before[j]
            if kind == 0:
                r = (x[j] / prev - 1.0) * 100.0
            elif kind == 1:
                r = (x[j] - prev) / prev
            else:
                r = x[j] / prev
            o[j] = r if prev != 0.0 else 0.0
        return out

    return helper(run)


_mo_roc = _make_roc(0)
_mo_rocp = _make_roc(1)
_mo_rocr = _make_roc(2)


@export("f8[::1](f8[::1], i8, i8)")
def roc(real, start, timeperiod):
    """Rate of change ``(real/prev - 1) * 100``. Lookback ``timeperiod``; a zero prev gives 0."""
    return _mo_roc(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def rocp(real, start, timeperiod):
    """Rate of change ``(real - prev) / prev``. Lookback ``timeperiod``; a zero prev gives 0."""
    return _mo_rocp(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def rocr(real, start, timeperiod):
    """Rate of change ratio ``real / prev``. Lookback ``timeperiod``; a zero prev gives 0."""
    return _mo_rocr(real, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8)")
def bop(open_, high, low, close, start):
    """Balance of power ``(close - open) / (high - low)``; 0 where ``high - low <= 0``.

    Lookback 0; NaN inputs give NaN.
    """
    n = open_.shape[0]
    out = nan_head(n, start)
    o = out[start:]
    op = open_[start:]
    h = high[start:]
    lo = low[start:]
    c = close[start:]
    for j in range(o.shape[0]):  # quotient first, then the select: vectorises
        t = h[j] - lo[j]
        r = (c[j] - op[j]) / t
        o[j] = 0.0 if t <= 0.0 else r
    return out


# --- Directional movement (PLUS_DM .. ADXR) ------------------------------------------------
# One pass shared by every member: per bar the one-period +DM/-DM (TA-Lib's case analysis)
# and true range, Wilder's running sums ``prev - prev/period + today`` seeded with the plain
# sum of the first ``period - 1`` bars, and TA-Lib's zero guards (exact zero; NaN counts as
# zero, so a NaN range gives 0 / repeats the previous DX instead of NaN).

_DM_PLUS = 0
_DM_MINUS = 1
_DI_PLUS = 2
_DI_MINUS = 3
_DX = 4
_ADX = 5


@helper
def _mo_is_zero(x):
    # The installed TA-Lib tests exact zero here, and treats NaN as zero.
    return not (x > 0.0 or x < 0.0)


@helper
def _mo_dm_lookback(timeperiod, mode):
    if mode <= _DM_MINUS:
        return timeperiod - 1 if timeperiod > 1 else 1
    if mode <= _DI_MINUS:
        return timeperiod if timeperiod > 1 else 1
    if mode == _DX:
        return timeperiod
    return 2 * timeperiod - 1


def _make_dm(mode):
    """The directional-movement pass compiled for one constant ``mode`` (so each
    member keeps only its own branches in the loop)."""

    def run(high, low, close, start, timeperiod):
        n = high.shape[0]
        out = np.empty(n)
        first = start + _mo_dm_lookback(timeperiod, mode)
        for i in range(min(first, n)):
            out[i] = NAN
        if first >= n:
            return out
        ph = high[start]
        pl = low[start]
        pc = close[start]
        if timeperiod == 1:  # no smoothing: the one-bar values (DI without the 100 factor)
            for i in range(start + 1, n):
                h = high[i]
                lo = low[i]
                dp = h - ph
                dm = pl - lo
                ph = h
                pl = lo
                v = 0.0
                if mode == _DM_PLUS or mode == _DI_PLUS:
                    if dp > 0.0 and dp > dm:
                        v = dp
                elif dm > 0.0 and dp < dm:
                    v = dm
                if mode >= _DI_PLUS and v != 0.0:
                    tr = h - lo
                    t = abs(h - pc)
                    if t > tr:
                        tr = t
                    t = abs(lo - pc)
                    if t > tr:
                        tr = t
                    # here TA-Lib divides a NaN range (an inf price) instead of giving 0
                    v = 0.0 if tr == 0.0 else v / tr
                pc = close[i]
                out[i] = v
            return out
        per = float(timeperiod)
        sp = 0.0
        sm = 0.0
        st = 0.0
        today = start
        for _ in range(timeperiod - 1):
            today += 1
            h = high[today]
            lo = low[today]
            dp = h - ph
            dm = pl - lo
            ph = h
            pl = lo
            if dm > 0.0 and dp < dm:
                sm += dm
            elif dp > 0.0 and dp > dm:
                sp += dp
            tr = h - lo
            t = abs(h - pc)
            if t > tr:
                tr = t
            t = abs(lo - pc)
            if t > tr:
                tr = t
            st += tr
            pc = close[today]
        if mode <= _DM_MINUS:
            out[today] = sp if mode == _DM_PLUS else sm
            for i in range(today + 1, n):
                h = high[i]
                lo = low[i]
                dp = h - ph
                dm = pl - lo
                ph = h
                pl = lo
                # selects, not branches (the direction of a move is unpredictable);
                # adding 0.0 leaves the sum as TA-Lib's skipped update does
                if mode == _DM_PLUS:
                    sp = sp - sp / per
                    sp += dp if (dp > 0.0) & (dp > dm) else 0.0
                    out[i] = sp
                else:
                    sm = sm - sm / per
                    sm += dm if (dm > 0.0) & (dp < dm) else 0.0
                    out[i] = sm
            return out
        sum_dx = 0.0
        adx = 0.0
        prev_dx = 0.0
        for i in range(today + 1, n):
            h = high[i]
            lo = low[i]
            dp = h - ph
            dm = pl - lo
            ph = h
            pl = lo
            sm = sm - sm / per
            sp = sp - sp / per
            # selects, not branches (the two cases exclude each other: dp < dm, dp > dm)
            sm += dm if (dm > 0.0) & (dp < dm) else 0.0
            sp += dp if (dp > 0.0) & (dp > dm) else 0.0
            tr = h - lo
            t = abs(h - pc)
            if t > tr:
                tr = t
            t = abs(lo - pc)
            if t > tr:
                tr = t
            st = st - st / per + tr
            pc = close[i]
            if mode == _DI_PLUS or mode == _DI_MINUS:
                if _mo_is_zero(st):
                    out[i] = 0.0
                else:
                    out[i] = 100.0 * ((sp if mode == _DI_PLUS else sm) / st)
                continue
            ok = False
            dx = 0.0
            if not _mo_is_zero(st):
                mdi = 100.0 * (sm / st)
                pdi = 100.0 * (sp / st)
                tot = mdi + pdi
                if not _mo_is_zero(tot):
                    dx = 100.0 * (abs(mdi - pdi) / tot)
                    ok = True
            if mode == _DX:
                if ok:
                    prev_dx = dx
                elif i == first:
                    prev_dx = 0.0
                out[i] = prev_dx
            elif i < first:
                if ok:
                    sum_dx += dx
            elif i == first:
                if ok:
                    sum_dx += dx
                adx = sum_dx / per
                out[i] = adx
            else:
                if ok:
                    adx = (adx * (per - 1.0) + dx) / per
                out[i] = adx
        return out

    return helper(run)


_mo_plus_dm = _make_dm(_DM_PLUS)
_mo_minus_dm = _make_dm(_DM_MINUS)
_mo_plus_di = _make_dm(_DI_PLUS)
_mo_minus_di = _make_dm(_DI_MINUS)
_mo_dx = _make_dm(_DX)
_mo_adx = _make_dm(_ADX)


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def plus_dm(high, low, start, timeperiod):
    """Wilder's smoothed +DM (a running sum, not an average). Lookback ``timeperiod - 1``
    (1 for ``timeperiod=1``, which gives the one-bar +DM); a NaN bar adds no movement."""
    return _mo_plus_dm(high, low, low, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def minus_dm(high, low, start, timeperiod):
    """Wilder's smoothed -DM. Lookback ``timeperiod - 1`` (1 for ``timeperiod=1``); a NaN
    bar adds no movement."""
    return _mo_minus_dm(high, low, low, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def plus_di(high, low, close, start, timeperiod):
    """+DI ``100 * +DM / TR`` (both Wilder-smoothed), 0 where TR is 0 or NaN. Lookback
    ``timeperiod`` (1 for ``timeperiod=1``: ``+DM1 / TR1`` without the factor 100, as
    TA-Lib)."""
    return _mo_plus_di(high, low, close, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def minus_di(high, low, close, start, timeperiod):
    """-DI ``100 * -DM / TR``. Lookback ``timeperiod`` (1 for ``timeperiod=1``, unscaled)."""
    return _mo_minus_di(high, low, close, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def dx(high, low, close, start, timeperiod):
    """Directional movement index ``100 * |-DI - +DI| / (-DI + +DI)``, 0..100. Lookback
    ``timeperiod``; where TR or the DI sum is 0 or NaN the previous value repeats (0 at first)."""
    return _mo_dx(high, low, close, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def adx(high, low, close, start, timeperiod):
    """Average DX: mean of the first ``timeperiod`` DX, then Wilder's smoothing (an undefined
    DX leaves it unchanged). Lookback ``2 * timeperiod - 1``."""
    return _mo_adx(high, low, close, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def adxr(high, low, close, start, timeperiod):
    """ADX rating ``(adx[i] + adx[i - (timeperiod - 1)]) / 2``. Lookback ``3 * timeperiod - 2``."""
    a = _mo_adx(high, low, close, start, timeperiod)
    n = high.shape[0]
    first = start + 3 * timeperiod - 2
    out = nan_head(n, first)
    if first >= n:
        return out
    x = a[first:]
    before = a[first - (timeperiod - 1):n - (timeperiod - 1)]
    o = out[first:]
    for j in range(o.shape[0]):
        o[j] = (x[j] + before[j]) / 2.0
    return out


# --- CCI, WILLR, CMO, MFI ----------------------------------------------------------------


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def cci(high, low, close, start, timeperiod):
    """Commodity channel index of the typical price ``tp = (h + l + c) / 3``:
    ``(tp - mean) / (0.015 * mean |tp - mean|)`` over ``timeperiod`` rows, 0 where
    ``tp - mean`` is within 1e-14 of their magnitude or the deviation is 0.
    Lookback ``timeperiod - 1``; a NaN spoils only the windows containing it."""
    n = high.shape[0]
    out = np.empty(n)
    first = start + timeperiod - 1
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    buf = np.empty(timeperiod)  # TA-Lib's circular buffer, summed in buffer order
    k = 0
    for i in range(start, first):
        buf[k] = (high[i] + low[i] + close[i]) / 3.0
        k += 1
    per = float(timeperiod)
    for i in range(first, n):
        last = (high[i] + low[i] + close[i]) / 3.0
        buf[k] = last
        avg = 0.0
        for j in range(timeperiod):
            avg += buf[j]
        avg /= per
        dev = 0.0
        for j in range(timeperiod):
            dev += abs(buf[j] - avg)
        t = last - avg
        if not (abs(t) <= 1e-14 * (abs(last) + abs(avg))) and dev != 0.0:
            out[i] = t / (0.015 * (dev / per))
        else:
            out[i] = 0.0
        k += 1
        if k == timeperiod:
            k = 0
    return out


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8)")
def willr(high, low, close, start, timeperiod):
    """Williams' %R ``-100 * (highest high - close) / (highest high - lowest low)`` over
    ``timeperiod`` rows, clamped to -100..0; 0 for a range within 1e-14 of the extremes'
    magnitude. Lookback ``timeperiod - 1``. The extremes are MAX/MIN's (their NaN rule)."""
    # Block scan (the one MAX/MIN use): per block of ``timeperiod`` outputs, suffix extremes
    # of the block before combined with running prefix extremes, collected in small
    # buffers; then one branch-free (vectorisable) pass computes the block's values.
    n = high.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    p = timeperiod
    sh = np.empty(p)
    sl = np.empty(p)
    hh = np.empty(p)
    ll = np.empty(p)
    block = start
    today = first
    while today < n:
        hb = high[block:block + p]
        lb = low[block:block + p]
        bh = hb[p - 1]
        bl = lb[p - 1]
        sh[p - 1] = bh
        sl[p - 1] = bl
        k = p - 1
        while k > 0:
            k -= 1
            th = hb[k]
            tl = lb[k]
            if th > bh:
                bh = th
            if tl < bl:
                bl = tl
            sh[k] = bh
            sl[k] = bl
        cnt = min(p, n - today)
        hh[0] = sh[0]
        ll[0] = sl[0]
        if cnt > 1:
            hn = high[block + p:block + p + cnt - 1]
            ln = low[block + p:block + p + cnt - 1]
            bh = hn[0]
            bl = ln[0]
            for m in range(1, cnt):
                if m > 1:
                    th = hn[m - 1]
                    tl = ln[m - 1]
                    if th > bh:
                        bh = th
                    if tl < bl:
                        bl = tl
                h = sh[m]
                if bh > h:
                    h = bh
                lo = sl[m]
                if bl < lo:
                    lo = bl
                hh[m] = h
                ll[m] = lo
        o = out[today:today + cnt]
        c = close[today:today + cnt]
        for m in range(cnt):
            # 0 for a range within 1e-14 of the extremes' magnitude, clamped to -100..0
            hi = hh[m]
            lo = ll[m]
            rng = hi - lo
            v = ((hi - c[m]) / rng) * -100.0  # TA-Lib 0.8's order, to the last bit
            v = 0.0 if v > 0.0 else v
            v = -100.0 if v < -100.0 else v
            o[m] = 0.0 if abs(rng) <= 1e-14 * (abs(hi) + abs(lo)) else v
        today += cnt
        block += p
    return out


@export("f8[::1](f8[::1], i8, i8)")
def cmo(real, start, timeperiod):
    """Chande momentum oscillator ``100 * (gain - loss) / (gain + loss)`` with Wilder-smoothed
    gains and losses (as RSI), -100..100; 0 where the total is 0 or NaN. Lookback ``timeperiod``;
    a NaN move gives 0 from there on, an infinite one NaN."""
    n = real.shape[0]
    out = np.empty(n)
    first = start + timeperiod
    for i in range(min(first, n)):
        out[i] = NAN
    if first >= n:
        return out
    per = float(timeperiod)
    keep = per - 1.0
    gain = 0.0
    loss = 0.0
    prev = real[start]
    for i in range(start + 1, first + 1):
        x = real[i]
        d = x - prev
        prev = x
        if d < 0.0:
            loss -= d
        else:
            gain += d
    loss /= per
    gain /= per
    tot = gain + loss
    out[first] = 0.0 if _mo_is_zero(tot) else 100.0 * ((gain - loss) / tot)
    for i in range(first + 1, n):
        x = real[i]
        d = x - prev
        prev = x
        loss *= keep
        gain *= keep
        # selects, not branches (a NaN move goes to the gains, as TA-Lib's else branch)
        down = d < 0.0
        loss -= d if down else 0.0
        gain += 0.0 if down else d
        loss /= per
        gain /= per
        tot = gain + loss
        out[i] = 0.0 if _mo_is_zero(tot) else 100.0 * ((gain - loss) / tot)
    return out


@helper
def _mo_mfi_value(pos_sum, neg_sum):
    tot = pos_sum + neg_sum
    pc = 0.0 if pos_sum < 0.0 else pos_sum
    pc = tot if pc > tot else pc
    return 0.0 if tot <= 0.0 else 100.0 * (pc / tot)


@helper
def _mo_mfi_flow(hi, lo, cl, vol, prev):
    """Typical price, the (positive, negative) money flow and the flow of one row."""
    tp = (hi + lo + cl) / 3.0
    d = tp - prev
    scale = abs(tp) + abs(prev)
    flow = 0.0 if abs(d) <= 1e-14 * scale else tp * vol
    down = d < 0.0  # selects, not a branch: the move's sign is random
    return tp, (0.0 if down else flow), (flow if down else 0.0), flow


@export("f8[::1](f8[::1], f8[::1], f8[::1], f8[::1], i8, i8)")
def mfi(high, low, close, volume, start, timeperiod):
    """Money flow index ``100 * positive flow / total flow`` over ``timeperiod`` moves of the
    typical price ``(h + l + c) / 3`` (flow = typical price * volume; a move within 1e-14
    of the prices' magnitude carries none), 0..100; 0 for an empty window. Lookback
    ``timeperiod``; a NaN/inf flow spoils the running sums until a whole window is empty."""
    # Block by block: the flows (with their divisions) in a vectorisable loop, then the
    # running sums in a serial one, then the values (divisions again) vectorised.
    n = high.shape[0]
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    pos = np.empty(timeperiod)
    neg = np.empty(timeperiod)
    pos_sum = 0.0
    neg_sum = 0.0
    null_run = 0
    prev = (high[start] + low[start] + close[start]) / 3.0
    # the first window: rows start+1 .. first fill the ring, nothing leaves
    for q in range(timeperiod):
        i = start + 1 + q
        prev, pf, nf, flow = _mo_mfi_flow(high[i], low[i], close[i], volume[i], prev)
        pos[q] = pf
        neg[q] = nf
        pos_sum += pf
        neg_sum += nf
        if flow == 0.0:
            null_run += 1
            if null_run >= timeperiod:
                null_run = timeperiod
                pos_sum = 0.0
                neg_sum = 0.0
        else:
            null_run = 0
    out[first] = _mo_mfi_value(pos_sum, neg_sum)
    hs = high[first + 1:]
    ls = low[first + 1:]
    cs = close[first + 1:]
    vs = volume[first + 1:]
    o = out[first + 1:]
    m = o.shape[0]
    size = 256
    tpb = np.empty(size + 1)
    b_pf = np.empty(size)
    b_nf = np.empty(size)
    b_fl = np.empty(size)
    b_ps = np.empty(size)
    b_ns = np.empty(size)
    k = 0
    r0 = 0
    while r0 < m:
        r1 = min(r0 + size, m)
        cnt = r1 - r0
        h0 = hs[r0:r1]
        l0 = ls[r0:r1]
        c0 = cs[r0:r1]
        v0 = vs[r0:r1]
        tpb[0] = prev
        tp_new = tpb[1:cnt + 1]
        for j in range(cnt):
            tp_new[j] = (h0[j] + l0[j] + c0[j]) / 3.0
        prev = tpb[cnt]
        for j in range(cnt):
            tp = tp_new[j]
            before = tpb[j]
            d = tp - before
            scale = abs(tp) + abs(before)
            flow = 0.0 if abs(d) <= 1e-14 * scale else tp * v0[j]
            down = d < 0.0
            b_pf[j] = 0.0 if down else flow
            b_nf[j] = flow if down else 0.0
            b_fl[j] = flow
        for j in range(cnt):
            pos_sum -= pos[k]
            neg_sum -= neg[k]
            pf = b_pf[j]
            nf = b_nf[j]
            pos[k] = pf
            neg[k] = nf
            pos_sum += pf
            neg_sum += nf
            if b_fl[j] == 0.0:
                null_run += 1
                if null_run >= timeperiod:
                    null_run = timeperiod
                    pos_sum = 0.0
                    neg_sum = 0.0
            else:
                null_run = 0
            k += 1
            if k == timeperiod:
                k = 0
            b_ps[j] = pos_sum
            b_ns[j] = neg_sum
        os = o[r0:r1]
        for j in range(cnt):
            os[j] = _mo_mfi_value(b_ps[j], b_ns[j])
        r0 = r1
    return out


# --- AROON, AROONOSC ---------------------------------------------------------------------


@helper
def _mo_aroon_scan(hb, lb, timeperiod, o_up, o_down, osc):
    """Aroon by a Van Herk / Gil-Werman block scan with indexes (blocks of the window's
    ``timeperiod + 1`` rows; the later row wins ties, as TA-Lib's tracking). ``hb``/``lb``
    and the outputs are views from TA-Lib's start. Equal to the tracking when
    ``high - low`` is finite everywhere; returns False, having written nothing, otherwise."""
    m = hb.shape[0]
    bad = 0
    for j in range(m):
        v = hb[j] - lb[j]
        bad += 0 if v - v == 0.0 else 1
    if bad:
        return False
    w = timeperiod + 1
    factor = 100.0 / timeperiod
    shv = np.empty(w)
    slv = np.empty(w)
    shi = np.empty(w, np.int64)
    sli = np.empty(w, np.int64)
    s = 0
    while s < m:
        e = min(s + w, m)
        if s > 0:
            # rows s .. e-1: prefix extremes of this block against the previous block's
            # suffix extremes from the window's first row
            fh = hb[s]
            fhi = s
            fl = lb[s]
            fli = s
            for today in range(s, min(e, s + w - 1)):
                t = hb[today]
                take = t >= fh
                fh = t if take else fh
                fhi = today if take else fhi
                t = lb[today]
                take = t <= fl
                fl = t if take else fl
                fli = today if take else fli
                q = today + 1 - s
                hi_idx = fhi if fh >= shv[q] else shi[q]
                lo_idx = fli if fl <= slv[q] else sli[q]
                if osc:
                    o_up[today] = factor * (hi_idx - lo_idx)
                else:
                    o_up[today] = factor * (timeperiod - (today - hi_idx))
                    o_down[today] = factor * (timeperiod - (today - lo_idx))
        if e - s < w:
            break
        # suffix extremes of this (full) block, the later row kept on ties; its last
        # row's window is the whole block
        bh = hb[e - 1]
        bhi = e - 1
        bl = lb[e - 1]
        bli = e - 1
        shv[w - 1] = bh
        shi[w - 1] = bhi
        slv[w - 1] = bl
        sli[w - 1] = bli
        for q in range(w - 2, -1, -1):
            i = s + q
            t = hb[i]
            take = t > bh
            bh = t if take else bh
            bhi = i if take else bhi
            t = lb[i]
            take = t < bl
            bl = t if take else bl
            bli = i if take else bli
            shv[q] = bh
            shi[q] = bhi
            slv[q] = bl
            sli[q] = bli
        today = e - 1
        if osc:
            o_up[today] = factor * (bhi - bli)
        else:
            o_up[today] = factor * (timeperiod - (today - bhi))
            o_down[today] = factor * (timeperiod - (today - bli))
        s = e
    return True


def _make_aroon(osc):
    """AROON (``osc`` False: down and up) or AROONOSC (True: up - down in one output),
    compiled for one constant ``osc``. A block scan (:func:`_mo_aroon_scan`) for finite
    prices, TA-Lib's extreme tracking on views from ``start`` otherwise."""

    def run(high, low, start, timeperiod):
        n = high.shape[0]
        first = start + timeperiod
        up = nan_head(n, first)
        down = up if osc else nan_head(n, first)
        if first >= n:
            return down, up
        hb = high[start:]
        lb = low[start:]
        if _mo_aroon_scan(hb, lb, timeperiod, up[start:], down[start:], osc):
            return down, up
        o_up = up[first:]
        o_down = down[first:]
        trailing = 0
        lo_idx = -1
        hi_idx = -1
        lowest = 0.0
        highest = 0.0
        factor = 100.0 / timeperiod
        for j in range(o_up.shape[0]):
            today = j + timeperiod
            tmp = lb[today]
            if lo_idx < trailing:
                lo_idx = trailing
                lowest = lb[lo_idx]
                for i in range(lo_idx + 1, today + 1):
                    tmp = lb[i]
                    if tmp <= lowest:
                        lo_idx = i
                        lowest = tmp
            else:  # a new extreme arrives at random: selects, not a branch
                take = tmp <= lowest
                lo_idx = today if take else lo_idx
                lowest = tmp if take else lowest
            tmp = hb[today]
            if hi_idx < trailing:
                hi_idx = trailing
                highest = hb[hi_idx]
                for i in range(hi_idx + 1, today + 1):
                    tmp = hb[i]
                    if tmp >= highest:
                        hi_idx = i
                        highest = tmp
            else:
                take = tmp >= highest
                hi_idx = today if take else hi_idx
                highest = tmp if take else highest
            if osc:
                o_up[j] = factor * (hi_idx - lo_idx)
            else:
                o_up[j] = factor * (timeperiod - (today - hi_idx))
                o_down[j] = factor * (timeperiod - (today - lo_idx))
            trailing += 1
        return down, up

    return helper(run)


_mo_aroon = _make_aroon(False)
_mo_aroonosc = _make_aroon(True)


@export("UniTuple(f8[::1], 2)(f8[::1], f8[::1], i8, i8)")
def aroon(high, low, start, timeperiod):
    """Aroon ``(aroondown, aroonup)``: ``100 * (timeperiod - rows since the lowest low /
    highest high)`` over ``timeperiod + 1`` rows, latest extreme on ties. Lookback
    ``timeperiod``; NaN as TA-Lib's tracking (never a new extreme, sticks on a rescan)."""
    return _mo_aroon(high, low, start, timeperiod)


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def aroonosc(high, low, start, timeperiod):
    """Aroon oscillator ``aroonup - aroondown``, -100..100. Lookback ``timeperiod``."""
    return _mo_aroonosc(high, low, start, timeperiod)[1]


# --- ULTOSC ------------------------------------------------------------------------------


@helper
def _mo_ult_terms(high, low, close, day):
    lo = low[day]
    hi = high[day]
    cy = close[day - 1]
    true_low = lo if lo < cy else cy
    cmtl = close[day] - true_low
    tr = hi - lo
    t = abs(cy - hi)
    if t > tr:
        tr = t
    t = abs(cy - lo)
    if t > tr:
        tr = t
    return cmtl, tr


@export("f8[::1](f8[::1], f8[::1], f8[::1], i8, i8, i8, i8)")
def ultosc(high, low, close, start, timeperiod1, timeperiod2, timeperiod3):
    """Ultimate oscillator ``100 * (4*avg_s + 2*avg_m + avg_l) / 7`` of buying pressure over
    true range; the periods are sorted first (weight 4 goes to the shortest), a zero or NaN range
    sum drops its term. Lookback ``max(periods)``; the sums are running sums, so after a
    NaN every term is dropped and the value is 0 from there on (as TA-Lib)."""
    n = high.shape[0]
    p_small = min(timeperiod1, timeperiod2, timeperiod3)
    p_large = max(timeperiod1, timeperiod2, timeperiod3)
    p_mid = timeperiod1 + timeperiod2 + timeperiod3 - p_small - p_large
    first = start + p_large
    out = nan_head(n, first)
    if first >= n:
        return out
    # each row's buying pressure and true range are computed once and kept in a ring of
    # a power of two >= the longest window, indexed by masking (TA-Lib recomputes the
    # trailing rows' terms: same values, so the running sums round the same)
    size = 1
    while size < p_large + 1:
        size *= 2
    mask = size - 1
    ring_c = np.empty(size)
    ring_t = np.empty(size)
    a1 = 0.0
    b1 = 0.0
    a2 = 0.0
    b2 = 0.0
    a3 = 0.0
    b3 = 0.0
    for i in range(first - p_large + 1, first):
        c, t = _mo_ult_terms(high, low, close, i)
        ring_c[i & mask] = c
        ring_t[i & mask] = t
        if i > first - p_small:
            a1 += c
            b1 += t
        if i > first - p_mid:
            a2 += c
            b2 += t
        a3 += c
        b3 += t
    hs = high[first:]
    ls = low[first:]
    cs = close[first:]
    ys = close[first - 1:]
    o = out[first:]
    for j in range(o.shape[0]):
        lo = ls[j]
        hi = hs[j]
        cy = ys[j]
        true_low = lo if lo < cy else cy
        c = cs[j] - true_low
        t = hi - lo
        u = abs(cy - hi)
        t = u if u > t else t
        u = abs(cy - lo)
        t = u if u > t else t
        today = first + j
        ring_c[today & mask] = c
        ring_t[today & mask] = t
        a1 += c
        a2 += c
        a3 += c
        b1 += t
        b2 += t
        b3 += t
        v = 0.0
        if not _mo_is_zero(b1):
            v += 4.0 * (a1 / b1)
        if not _mo_is_zero(b2):
            v += 2.0 * (a2 / b2)
        if not _mo_is_zero(b3):
            v += a3 / b3
        k = (today - p_small + 1) & mask
        a1 -= ring_c[k]
        b1 -= ring_t[k]
        k = (today - p_mid + 1) & mask
        a2 -= ring_c[k]
        b2 -= ring_t[k]
        k = (today - p_large + 1) & mask
        a3 -= ring_c[k]
        b3 -= ring_t[k]
        o[j] = 100.0 * (v / 7.0)
    return out
