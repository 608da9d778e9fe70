"""Math operators over a rolling window (MAX, MIN, SUM), TA-Lib compatible.

Lookback ``timeperiod - 1``. MAX/MIN use TA-Lib's block scan, so NaN behaves as in
TA-Lib (a NaN is never greater or smaller, but sticks when a block scan starts on it).
SUM keeps TA-Lib's running total: a NaN entering it makes every later value NaN.
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
