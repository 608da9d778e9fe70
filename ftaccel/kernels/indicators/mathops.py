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

# MAX/MIN/MIDPOINT/MIDPRICE: TA-Lib's Van Herk / Gil-Werman block scan. Blocks of
# ``timeperiod`` rows start at the begin index; a window ending at row j of a block takes
# the previous block's suffix extreme from row j+1 combined with this block's prefix
# extreme up to row j; the window ending on a block's last row is that block's whole
# suffix. Every scan starts on its first row and keeps the incumbent on ties, so a NaN
# never wins a comparison but sticks when a scan starts on it. One fused pass per block
# runs the forward prefix scan (and its output) together with the backward suffix scan
# for the next block, into two alternating buffers; the reversed views keep indexes
# non-negative so the loop has no index fix-ups.


@helper
def _max_scan(real, start, p):
    n = real.shape[0]
    first = start + p - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    if p == 1:
        out[start:] = real[start:]
        return out
    sa = np.empty(p)
    sb = np.empty(p)
    blk = real[start:start + p]
    bb = blk[p - 1]
    sa[p - 1] = bb
    for q in range(p - 2, -1, -1):
        u = blk[q]
        bb = u if u > bb else bb
        sa[q] = bb
    out[first] = bb
    s = start + p
    while s + p <= n:
        blk = real[s:s + p]
        rb = blk[::-1]
        rs = sb[::-1]
        ob = out[s:s + p]
        fw = blk[0]
        bb = rb[0]
        rs[0] = bb
        v = sa[1]
        ob[0] = fw if fw > v else v
        for j in range(1, p - 1):
            t = blk[j]
            fw = t if t > fw else fw
            u = rb[j]
            bb = u if u > bb else bb
            rs[j] = bb
            v = sa[j + 1]
            ob[j] = fw if fw > v else v
        u = blk[0]
        bb = u if u > bb else bb
        sb[0] = bb
        ob[p - 1] = bb
        sa, sb = sb, sa
        s += p
    if s < n:
        blk = real[s:n]
        ob = out[s:n]
        fw = blk[0]
        v = sa[1]
        ob[0] = fw if fw > v else v
        for j in range(1, ob.shape[0]):
            t = blk[j]
            fw = t if t > fw else fw
            v = sa[j + 1]
            ob[j] = fw if fw > v else v
    return out


@helper
def _min_scan(real, start, p):
    # _max_scan with every comparison reversed
    n = real.shape[0]
    first = start + p - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    if p == 1:
        out[start:] = real[start:]
        return out
    sa = np.empty(p)
    sb = np.empty(p)
    blk = real[start:start + p]
    bb = blk[p - 1]
    sa[p - 1] = bb
    for q in range(p - 2, -1, -1):
        u = blk[q]
        bb = u if u < bb else bb
        sa[q] = bb
    out[first] = bb
    s = start + p
    while s + p <= n:
        blk = real[s:s + p]
        rb = blk[::-1]
        rs = sb[::-1]
        ob = out[s:s + p]
        fw = blk[0]
        bb = rb[0]
        rs[0] = bb
        v = sa[1]
        ob[0] = fw if fw < v else v
        for j in range(1, p - 1):
            t = blk[j]
            fw = t if t < fw else fw
            u = rb[j]
            bb = u if u < bb else bb
            rs[j] = bb
            v = sa[j + 1]
            ob[j] = fw if fw < v else v
        u = blk[0]
        bb = u if u < bb else bb
        sb[0] = bb
        ob[p - 1] = bb
        sa, sb = sb, sa
        s += p
    if s < n:
        blk = real[s:n]
        ob = out[s:n]
        fw = blk[0]
        v = sa[1]
        ob[0] = fw if fw < v else v
        for j in range(1, ob.shape[0]):
            t = blk[j]
            fw = t if t < fw else fw
            v = sa[j + 1]
            ob[j] = fw if fw < v else v
    return out


@helper
def _midpoint_scan(hi, lo, start, p):
    """``(MAX(hi) + MIN(lo)) / 2`` over ``p`` rows: both block scans of
    :func:`_max_scan` / :func:`_min_scan` fused into one pass."""
    n = hi.shape[0]
    first = start + p - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    if p == 1:
        for i in range(start, n):
            out[i] = (hi[i] + lo[i]) / 2.0
        return out
    ha = np.empty(p)
    hb = np.empty(p)
    la = np.empty(p)
    lb = np.empty(p)
    bh = hi[start + p - 1]
    bl = lo[start + p - 1]
    ha[p - 1] = bh
    la[p - 1] = bl
    for q in range(p - 2, -1, -1):
        u = hi[start + q]
        bh = u if u > bh else bh
        ha[q] = bh
        u = lo[start + q]
        bl = u if u < bl else bl
        la[q] = bl
    out[first] = (bh + bl) / 2.0
    s = start + p
    while s + p <= n:
        bkh = hi[s:s + p]
        bkl = lo[s:s + p]
        rbh = bkh[::-1]
        rbl = bkl[::-1]
        rsh = hb[::-1]
        rsl = lb[::-1]
        ob = out[s:s + p]
        fh = bkh[0]
        fl = bkl[0]
        bh = rbh[0]
        bl = rbl[0]
        rsh[0] = bh
        rsl[0] = bl
        v = ha[1]
        w = la[1]
        ob[0] = ((fh if fh > v else v) + (fl if fl < w else w)) / 2.0
        for j in range(1, p - 1):
            t = bkh[j]
            fh = t if t > fh else fh
            t = bkl[j]
            fl = t if t < fl else fl
            u = rbh[j]
            bh = u if u > bh else bh
            rsh[j] = bh
            u = rbl[j]
            bl = u if u < bl else bl
            rsl[j] = bl
            v = ha[j + 1]
            w = la[j + 1]
            ob[j] = ((fh if fh > v else v) + (fl if fl < w else w)) / 2.0
        u = bkh[0]
        bh = u if u > bh else bh
        u = bkl[0]
        bl = u if u < bl else bl
        ob[p - 1] = (bh + bl) / 2.0
        hb[0] = bh
        lb[0] = bl
        ha, hb = hb, ha
        la, lb = lb, la
        s += p
    if s < n:
        bkh = hi[s:n]
        bkl = lo[s:n]
        ob = out[s:n]
        fh = bkh[0]
        fl = bkl[0]
        v = ha[1]
        w = la[1]
        ob[0] = ((fh if fh > v else v) + (fl if fl < w else w)) / 2.0
        for j in range(1, ob.shape[0]):
            t = bkh[j]
            fh = t if t > fh else fh
            t = bkl[j]
            fl = t if t < fl else fl
            v = ha[j + 1]
            w = la[j + 1]
            ob[j] = ((fh if fh > v else v) + (fl if fl < w else w)) / 2.0
    return out


@export("f8[::1](f8[::1], i8, i8)")
def max_(real, start, timeperiod):
    """Highest value over the last ``timeperiod`` rows."""
    return _max_scan(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def min_(real, start, timeperiod):
    """Lowest value over the last ``timeperiod`` rows."""
    return _min_scan(real, start, timeperiod)


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


def _make_extreme_index(highest):
    """MAXINDEX (``highest`` True) or MININDEX compiled for one constant ``highest``."""

    def run(real, start, timeperiod):
        # TA-Lib's index tracking: a new row takes over on >= (<= for the lowest); when the
        # tracked row leaves the window the window is rescanned from its oldest row with a
        # strict comparison, so a NaN is never a new extreme but stays one when a rescan
        # starts on it. Lookback rows hold 0. Views from ``start``; a new extreme (it arrives
        # at random) is taken with selects, not a branch.
        n = real.shape[0]
        out = np.empty(n, np.int32)  # TA-Lib's output type: half the bytes of float64
        first = start + timeperiod - 1
        out[:max(min(first, n), 0)] = 0
        if first >= n:
            return out
        rb = real[start:]
        ob = out[start:]
        trailing = 0
        best_i = -1
        best = 0.0
        for today in range(timeperiod - 1, rb.shape[0]):
            if best_i < trailing:
                best_i = trailing
                best = rb[trailing]
                for i in range(trailing + 1, today + 1):
                    tmp = rb[i]
                    if tmp > best if highest else tmp < best:
                        best_i = i
                        best = tmp
            else:
                tmp = rb[today]
                take = tmp >= best if highest else tmp <= best
                best_i = today if take else best_i
                best = tmp if take else best
            ob[today] = best_i + start
            trailing += 1
        return out

    return helper(run)


_max_index = _make_extreme_index(True)
_min_index = _make_extreme_index(False)


@export("i4[::1](f8[::1], i8, i8)")
def maxindex(real, start, timeperiod):
    """Row index (into the whole input) of the highest value over the last ``timeperiod``
    rows; the latest on ties seen as they arrive. Lookback ``timeperiod - 1`` rows hold 0
    (TA-Lib's int32 output)."""
    return _max_index(real, start, timeperiod)


@export("i4[::1](f8[::1], i8, i8)")
def minindex(real, start, timeperiod):
    """Row index of the lowest value over the last ``timeperiod`` rows (see MAXINDEX)."""
    return _min_index(real, start, timeperiod)


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
