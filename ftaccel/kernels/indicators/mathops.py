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


# Short windows (MIDPOINT/MIDPRICE with p <= _SHORT_WINDOW): window extremes by doubling,
# branch-free and vectorised, where the block scan has a serial chain per row. Per block
# of _BLOCK outputs: extremes of 4 rows, of 16, ..., then each window as the extreme of at
# most four overlapping ones. That compares in another order than the scan, which gives
# the same value unless a NaN or a signed zero is in play: a NaN or a zero in the input
# (the first pass over each block looks) sends the whole call to the scan.
_SHORT_WINDOW = 20
_BLOCK = 1024


@helper
def _extremes4(h, lo, o1, o2, o3, hd, ld, m, mid):
    """``hd[i] = max(h[i], h[i+o1], h[i+o2], h[i+o3])`` for ``i < m``, ``ld`` the same
    minimum of ``lo``; with ``mid``, ``hd[i]`` is their mean instead. True if some
    ``h[i]`` or ``lo[i]`` (``i < m``) is NaN or zero."""
    h1 = h[o1:]  # offsets as views: the indexes need no fix-ups
    h2 = h[o2:]
    h3 = h[o3:]
    l1 = lo[o1:]
    l2 = lo[o2:]
    l3 = lo[o3:]
    bad = False
    for i in range(m):
        a = h[i]
        e = lo[i]
        bad |= (a != a) | (a == 0.0) | (e != e) | (e == 0.0)
        b = h1[i]
        a = a if a > b else b
        c = h2[i]
        d = h3[i]
        c = c if c > d else d
        a = a if a > c else c
        b = l1[i]
        e = e if e < b else b
        c = l2[i]
        d = l3[i]
        c = c if c < d else d
        e = e if e < c else c
        if mid:
            hd[i] = (a + e) / 2.0
        else:
            hd[i] = a
            ld[i] = e
    return bad


@helper
def _midpoint_doubling(hi, lo, start, p, out):
    """Rows ``start + p - 1`` on of :func:`_midpoint_scan` by doubling (``2 <= p``);
    False, with ``out`` partly written, where a NaN or a zero needs the scan."""
    n = hi.shape[0]
    size = _BLOCK + p
    h1 = np.empty(size)
    h2 = np.empty(size)
    l1 = np.empty(size)
    l2 = np.empty(size)
    # the first pass of a block looks at all but the slab's last three rows, which the
    # next block's slab starts before; the input's last three are looked at here
    t = max(start, n - 3)
    if _extremes4(hi[t:], lo[t:], 0, 0, 0, h1, l1, n - t, False):
        return False
    s = start + p - 1
    while s < n:
        e = min(s + _BLOCK, n)
        hs = hi[s - p + 1:e]
        ls = lo[s - p + 1:e]
        rows = e - s + p - 1
        w = 1
        while 4 * w <= p:  # extremes of 4w rows from four of w rows
            rows -= 3 * w
            if _extremes4(hs, ls, w, 2 * w, 3 * w, h1, l1, rows, False) and w == 1:
                return False
            hs, ls = h1, l1
            h1, h2 = h2, h1
            l1, l2 = l2, l1
            w *= 4
        last = p - w  # windows of p rows: at most four of w rows, the last at p - w
        k = p // w
        if _extremes4(hs, ls, w if k > 1 else last, 2 * w if k > 2 else last, last,
                      out[s:e], h1, e - s, True) and w == 1:
            return False
        s = e
    return True


@helper
def _midpoint_scan(hi, lo, start, p):
    """``(MAX(hi) + MIN(lo)) / 2`` over ``p`` rows: both block scans of
    :func:`_max_scan` / :func:`_min_scan` fused into one pass (by doubling for short
    windows, see :func:`_midpoint_doubling`)."""
    n = hi.shape[0]
    first = start + p - 1
    out = nan_head(n, first)
    if first >= n:
        return out
    if 2 <= p <= _SHORT_WINDOW and _midpoint_doubling(hi, lo, start, p, out):
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
