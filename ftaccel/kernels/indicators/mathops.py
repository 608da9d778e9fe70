"""Math operators over a rolling window (MAX, MIN, SUM, MAXINDEX, MININDEX), TA-Lib
compatible.

Lookback ``timeperiod - 1``. MAX/MIN use TA-Lib's block scan, so NaN behaves as in
TA-Lib (a NaN is never greater or smaller, but sticks when a block scan starts on it);
the same scan serves WILLR, MIDPOINT and MIDPRICE. MAXINDEX/MININDEX use TA-Lib's
index tracking instead (its own NaN and tie rules). SUM keeps TA-Lib's running total:
a NaN entering it makes every later value NaN.
"""

import numpy as np

from .. import export, helper
from ._common import nan_head


@helper
def _extreme(real, start, timeperiod, sign):
    # Van Herk / Gil-Werman block scan, as TA-Lib: per block of `timeperiod` rows, a
    # backward suffix maximum and the next block's forward prefix maximum, combined.
    # Comparisons keep the incumbent, so a NaN only wins when it starts a scan.
    n = real.shape[0]
    p = timeperiod
    out = nan_head(n, start + p - 1)
    suf = np.empty(p)
    pre = np.empty(p)
    block = start
    while block + p - 1 < n:
        blk = real[block:block + p]
        best = blk[p - 1] * sign
        suf[p - 1] = best
        for q in range(1, p):
            m = p - 1 - q
            tmp = blk[m] * sign
            if tmp > best:
                best = tmp
            suf[m] = best
        o = out[block + p - 1:min(block + 2 * p - 1, n)]
        o[0] = suf[0] * sign
        avail = o.shape[0] - 1
        if avail > 0:
            nxt = real[block + p:block + p + avail]
            best = nxt[0] * sign
            pre[0] = best
            for j in range(1, avail):
                tmp = nxt[j] * sign
                if tmp > best:
                    best = tmp
                pre[j] = best
            later = suf[1:avail + 1]
            o_rest = o[1:]
            for j in range(avail):
                best = later[j]
                if pre[j] > best:
                    best = pre[j]
                o_rest[j] = best * sign
        block += p
    return out


@export("f8[::1](f8[::1], i8, i8)")
def max_(real, start, timeperiod):
    """Highest value over the last ``timeperiod`` rows."""
    return _extreme(real, start, timeperiod, 1.0)


@export("f8[::1](f8[::1], i8, i8)")
def min_(real, start, timeperiod):
    """Lowest value over the last ``timeperiod`` rows."""
    return _extreme(real, start, timeperiod, -1.0)


@export("f8[::1](f8[::1], i8, i8)")
def sum_(real, start, timeperiod):
    """Sum over the last ``timeperiod`` rows (running total)."""
    n = real.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    total = 0.0
    for i in range(start, min(first, n)):
        total += real[i]
    if first >= n:
        return out
    x = real[first:]
    leaving = real[start:n - timeperiod + 1]
    o = out[first:]
    for j in range(o.shape[0]):
        total += x[j]
        value = total
        total -= leaving[j]
        o[j] = value
    return out


@helper
def _extreme_index(real, start, timeperiod, highest):
    # TA-Lib's index tracking: a new row takes over on >= (<= for the lowest); when the
    # tracked row leaves the window the window is rescanned from its oldest row with a
    # strict comparison, so a NaN is never a new extreme but stays one when a rescan
    # starts on it. Lookback rows hold 0.
    n = real.shape[0]
    out = np.zeros(n)
    first = start + timeperiod - 1
    trailing = start
    best_i = -1
    best = 0.0
    if highest:
        for today in range(first, n):
            if best_i < trailing:
                best_i = trailing
                best = real[trailing]
                for i in range(trailing + 1, today + 1):
                    tmp = real[i]
                    if tmp > best:
                        best_i = i
                        best = tmp
            else:
                tmp = real[today]
                if tmp >= best:
                    best_i = today
                    best = tmp
            out[today] = best_i
            trailing += 1
    else:
        for today in range(first, n):
            if best_i < trailing:
                best_i = trailing
                best = real[trailing]
                for i in range(trailing + 1, today + 1):
                    tmp = real[i]
                    if tmp < best:
                        best_i = i
                        best = tmp
            else:
                tmp = real[today]
                if tmp <= best:
                    best_i = today
                    best = tmp
            out[today] = best_i
            trailing += 1
    return out


@export("f8[::1](f8[::1], i8, i8)")
def maxindex(real, start, timeperiod):
    """Row index (into the whole input) of the highest value over the last ``timeperiod``
    rows; the latest on ties seen as they arrive. Lookback ``timeperiod - 1`` rows hold 0
    (TA-Lib's int32 output)."""
    return _extreme_index(real, start, timeperiod, True)


@export("f8[::1](f8[::1], i8, i8)")
def minindex(real, start, timeperiod):
    """Row index of the lowest value over the last ``timeperiod`` rows (see MAXINDEX)."""
    return _extreme_index(real, start, timeperiod, False)


@helper
def _hl_value(hi, lo, close, mode):
    if mode == 0:  # MIDPOINT / MIDPRICE
        return (hi + lo) / 2.0
    # WILLR: 0 for a range within 1e-14 of the extremes' magnitude, clamped to -100..0
    rng = hi - lo
    if abs(rng) <= 1e-14 * (abs(hi) + abs(lo)):
        return 0.0
    v = (hi - close) / (rng / -100.0)
    if v > 0.0:
        return 0.0
    if v < -100.0:
        return -100.0
    return v


@helper
def _highest_lowest(hi_in, lo_in, close, start, timeperiod, mode):
    """MAX of ``hi_in`` and MIN of ``lo_in`` over ``timeperiod`` rows in one block scan
    (the scan and NaN rule of :func:`_extreme`), combined per row by :func:`_hl_value`
    (``mode`` 0: midpoint, 1: Williams' %R of ``close``) into one output, NaN before
    ``start + timeperiod - 1``."""
    n = hi_in.shape[0]
    first = start + timeperiod - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    p = timeperiod
    suf = np.empty(2 * p)  # per block: suffix maxima of hi_in, then suffix minima of lo_in
    block = start
    today = first
    while today < n:
        i = block + p - 1
        bh = hi_in[i]
        bl = lo_in[i]
        suf[p - 1] = bh
        suf[2 * p - 1] = bl
        while i > block:
            i -= 1
            th = hi_in[i]
            tl = lo_in[i]
            if th > bh:
                bh = th
            if tl < bl:
                bl = tl
            suf[i - block] = bh
            suf[p + i - block] = bl
        out[today] = _hl_value(suf[0], suf[p], close[today], mode)
        today += 1
        if today < n:
            # the next block's prefix extremes, combined with this block's suffixes
            nxt = block + p
            avail = min(n - nxt, p - 1)
            bh = hi_in[nxt]
            bl = lo_in[nxt]
            for m in range(1, avail + 1):
                if m > 1:
                    th = hi_in[nxt + m - 1]
                    tl = lo_in[nxt + m - 1]
                    if th > bh:
                        bh = th
                    if tl < bl:
                        bl = tl
                h = suf[m]
                if bh > h:
                    h = bh
                lo = suf[p + m]
                if bl < lo:
                    lo = bl
                out[today] = _hl_value(h, lo, close[today], mode)
                today += 1
        block += p
    return out
