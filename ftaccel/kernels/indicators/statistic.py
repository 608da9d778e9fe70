"""Statistic functions (STDDEV, VAR, LINEARREG family, TSF, CORREL, BETA), TA-Lib compatible.

TA-Lib 0.8 keeps running window sums and rebuilds ("re-anchors") them from the window
itself every ``32 * timeperiod`` bars and whenever its accuracy triggers fire. These
kernels follow that arithmetic step by step, so the NaN behaviour matches too: a NaN or
inf entering a running sum spoils the output until the next rebuild over a clean window.
"""

import math

import numpy as np

from .. import FMA_BUILD, export, helper, mul_add
from ._common import nan_head

# The FMA module fuses exactly where ``mul_add`` is written, as TA-Lib's FMA build does,
# and nowhere else (see ``build_kernels.fma_exact``).
FMA_EXACT = True


def _make_var(root, with_sma):
    """Variance (``root`` False) or ``sqrt(variance) * nbdev`` (True, STDDEV fused into the
    same pass), compiled for one constant pair of flags; returns ``(values, sma)``.

    With ``with_sma`` the SMA of the same rows (SMA's own running sum, so bit-identical to
    it) comes out of the same pass, as TA-Lib's BBANDS computes its middle band; without,
    ``sma`` is ``values`` itself."""

    def run(real, start, timeperiod, nbdev):
        # Shifted running sums: total1 = sum(x - shift), total2 = sum((x - shift)^2).
        n = real.shape[0]
        lookback = timeperiod - 1
        first = start + lookback
        out = nan_head(n, first)
        mid = nan_head(n, first) if with_sma else out
        if first >= n:
            return out, mid
        inv = 1.0 / timeperiod
        shift = real[start]
        total1 = 0.0
        total2 = 0.0
        total = 0.0
        for j in range(start, first):
            d = real[j] - shift
            total1 += d
            total2 += d * d
            if with_sma:
                total += real[j]
        bars = 32 * timeperiod
        x = real[first:]  # entering rows
        leaving = real[start:n - lookback]
        o = out[first:]
        om = mid[first:]
        for j in range(o.shape[0]):
            if with_sma:
                total += x[j]
                om[j] = total / timeperiod
                total -= leaving[j]
            d = x[j] - shift
            total1 += d
            total2 += d * d
            mean1 = total1 * inv
            variance = total2 * inv - mean1 * mean1
            d = leaving[j] - shift
            total1 -= d
            d = d * d
            total2 -= d
            bars -= 1
            if variance < 0.000001 * (total2 * inv) or d > 1000000.0 * total2 or bars <= 0:
                # re-anchor on the window mean and rebuild the sums (two passes)
                bars = 32 * timeperiod
                ws = start + j
                s = 0.0
                for q in range(ws, ws + timeperiod):
                    s += real[q]
                shift = s * inv
                total1 = 0.0
                total2 = 0.0
                for q in range(ws, ws + timeperiod):
                    d = real[q] - shift
                    total1 += d
                    total2 += d * d
                mean1 = total1 * inv
                variance = total2 * inv - mean1 * mean1
                if variance < 0.000000000001 * (total2 * inv):
                    variance = 0.0
                d = real[ws] - shift
                total1 -= d
                total2 -= d * d
            if root:
                o[j] = math.sqrt(variance) * nbdev
            else:
                o[j] = variance
        return out, mid

    return helper(run)


_st_var = _make_var(False, False)
_st_stddev = _make_var(True, False)
_st_stddev_sma = _make_var(True, True)  # BBANDS with an SMA middle band


@export("f8[::1](f8[::1], i8, i8, f8)")
def var(real, start, timeperiod, nbdev):
    """Population variance over ``timeperiod`` rows (units: price squared).

    Lookback ``timeperiod - 1``. ``nbdev`` is accepted and ignored, as in TA-Lib.
    """
    return _st_var(real, start, timeperiod, nbdev)[0]


@export("f8[::1](f8[::1], i8, i8, f8)")
def stddev(real, start, timeperiod, nbdev):
    """Population standard deviation times ``nbdev``. Lookback ``timeperiod - 1``."""
    return _st_stddev(real, start, timeperiod, nbdev)[0]


@helper
def _st_linreg_sums(real, lo, hi):
    """SumY, SumXY (x counts rows back from ``real[hi - 1]``) and the sum of ``|y|`` over
    ``real[lo:hi]``, added in TA-Lib's order."""
    sum_y = 0.0
    sum_xy = 0.0
    sum_abs = 0.0
    w = float(hi - lo - 1)
    for q in range(lo, hi):
        v = real[q]
        sum_y += v
        sum_xy += w * v
        sum_abs += abs(v)
        w -= 1.0
    return sum_y, sum_xy, sum_abs


def _make_linreg(mode):
    """TA-Lib's LINEARREG recurrence compiled for one output ``mode`` (a constant)."""

    def value(sum_y, sum_xy, fp, sum_x, divisor, last):
        m = (fp * sum_xy - sum_x * sum_y) / divisor
        if mode == 1:
            return m
        if mode == 2:
            return math.atan(m) * (180.0 / 3.14159265358979323846)
        b = (sum_y - m * sum_x) / fp
        # TA-Lib's FMA build fuses only the line's last step (LINEARREG, TSF)
        if mode == 0:
            return mul_add(m, last, b)
        if mode == 3:
            return b
        return mul_add(m, fp, b)

    value = helper(value)

    def run(real, start, timeperiod):
        # mode 0: line at the last row, 1: slope, 2: angle (degrees), 3: intercept, 4: forecast.
        # x counts bars back from the newest row (TA-Lib's weights), SumY/SumXY/sumAbs run.
        # The first window's row is written before the loop (no per-row first-row test).
        n = real.shape[0]
        lookback = timeperiod - 1
        first = start + lookback
        out = nan_head(n, first)
        if first >= n:
            return out
        p = timeperiod
        fp = float(p)
        sum_x = fp * (p - 1) * 0.5
        sum_xsqr = fp * (p - 1) * (2 * p - 1) / 6.0
        divisor = sum_x * sum_x - p * sum_xsqr
        last = float(p - 1)
        sum_y, sum_xy, sum_abs = _st_linreg_sums(real, start, first + 1)
        bars = 32 * p
        x = real[first + 1:]  # entering rows
        leaving = real[start:n - lookback - 1]
        out[first] = value(sum_y, sum_xy, fp, sum_x, divisor, last)
        o = out[first + 1:]
        rows = o.shape[0]
        # Two divisions per row (line, intercept, forecast): in the FMA module (AVX) the sums
        # of a block of rows are kept and its values computed in a second, vectorised pass.
        # In the portable module, and for the slope, one pass is faster. (FMA_BUILD is read
        # at compile time from the globals, so the copies the FMA build makes see True.)
        blocked = FMA_BUILD and mode != 1 and mode != 2
        size = 512 if blocked else max(rows, 1)
        keep_y = np.empty(size if blocked else 0)
        keep_xy = np.empty(size if blocked else 0)
        j0 = 0
        while j0 < rows:  # once when not blocked
            stop = min(j0 + size, rows)
            xb = x[j0:stop]  # views indexed from 0 (see _common)
            lb = leaving[j0:stop]
            ob = o[j0:stop]
            for k in range(ob.shape[0]):
                tv = lb[k]
                v = xb[k]
                weighted = fp * tv
                sum_xy = sum_xy + sum_y - weighted
                sum_y = sum_y - tv + v
                sum_abs = sum_abs - abs(tv) + abs(v)
                bars -= 1
                if bars <= 0 or abs(weighted) > 100.0 * sum_abs:
                    bars = 32 * p
                    j = start + j0 + k
                    sum_y, sum_xy, sum_abs = _st_linreg_sums(real, j + 1, j + timeperiod + 1)
                if blocked:
                    keep_y[k] = sum_y
                    keep_xy[k] = sum_xy
                else:
                    ob[k] = value(sum_y, sum_xy, fp, sum_x, divisor, last)
            if blocked:
                for k in range(ob.shape[0]):
                    ob[k] = value(keep_y[k], keep_xy[k], fp, sum_x, divisor, last)
            j0 = stop
        return out

    return helper(run)


_st_linreg = _make_linreg(0)
_st_slope = _make_linreg(1)
_st_angle = _make_linreg(2)
_st_intercept = _make_linreg(3)
_st_tsf = _make_linreg(4)


@export("f8[::1](f8[::1], i8, i8)")
def linearreg(real, start, timeperiod):
    """Least-squares line through the last ``timeperiod`` rows, evaluated at the last row.

    Lookback ``timeperiod - 1``.
    """
    return _st_linreg(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def linearreg_slope(real, start, timeperiod):
    """Slope of the least-squares line (price units per row). Lookback ``timeperiod - 1``."""
    return _st_slope(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def linearreg_angle(real, start, timeperiod):
    """``atan(slope)`` in degrees. Lookback ``timeperiod - 1``."""
    return _st_angle(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def linearreg_intercept(real, start, timeperiod):
    """Value of the least-squares line at the window's first row. Lookback ``timeperiod - 1``."""
    return _st_intercept(real, start, timeperiod)


@export("f8[::1](f8[::1], i8, i8)")
def tsf(real, start, timeperiod):
    """Time series forecast: the least-squares line one row past the window.

    Lookback ``timeperiod - 1``.
    """
    return _st_tsf(real, start, timeperiod)


@helper
def _st_correl_values(num, den, o):
    """``o[j] = num[j] / sqrt(den[j])`` clamped to [-1, 1], 0 where ``den[j] <= 0``: the
    second, vectorised pass of CORREL in the FMA module (sqrt and division 4 lanes at a
    time; CORREL's single pass is bound by them, one of each per row)."""
    for j in range(o.shape[0]):
        d = den[j]
        r = num[j] / math.sqrt(d)
        r = 1.0 if r > 1.0 else r
        r = -1.0 if r < -1.0 else r
        o[j] = r if d > 0.0 else 0.0


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def correl(real0, real1, start, timeperiod):
    """Pearson correlation of ``real0`` and ``real1`` over ``timeperiod`` rows, in [-1, 1].

    Lookback ``timeperiod - 1``; 0 where either series is flat over the window (or the
    running sums hold a NaN).
    """
    n = real0.shape[0]
    lookback = timeperiod - 1
    first = start + lookback
    out = nan_head(n, first)
    if first >= n:
        return out
    inv = 1.0 / timeperiod
    trailing = start
    shift_x = real0[trailing]
    shift_y = real1[trailing]
    sum_x = 0.0
    sum_y = 0.0
    sum_x2 = 0.0
    sum_y2 = 0.0
    sum_xy = 0.0
    for j in range(trailing, first):
        x = real0[j] - shift_x
        sum_x += x
        sum_x2 += x * x
        y = real1[j] - shift_y
        sum_xy += x * y
        sum_y += y
        sum_y2 += y * y
    bars = 32 * timeperiod
    leaving_x = 0.0
    leaving_y = 0.0
    # In the FMA module (AVX) the numerator and the product under the root of a block of
    # rows are kept and their values computed in a second, vectorised pass.
    size = 512 if FMA_BUILD else 0
    keep_num = np.empty(size)
    keep_den = np.empty(size)
    k = 0
    for today in range(first, n):
        x = real0[today] - shift_x
        sum_x += x
        sum_x2 += x * x
        y = real1[today] - shift_y
        sum_xy += x * y
        sum_y += y
        sum_y2 += y * y
        ss_x = sum_x2 - ((sum_x * sum_x) * inv)
        ss_y = sum_y2 - ((sum_y * sum_y) * inv)
        sp_xy = sum_xy - ((sum_x * sum_y) * inv)
        bars -= 1
        if (ss_x < 0.000001 * sum_x2 or ss_y < 0.000001 * sum_y2
                or leaving_x > 1000000.0 * sum_x2 or leaving_y > 1000000.0 * sum_y2
                or bars <= 0):
            bars = 32 * timeperiod
            ws = today - lookback
            sx = 0.0
            sy = 0.0
            for j in range(ws, today + 1):
                sx += real0[j]
                sy += real1[j]
            shift_x = sx * inv
            shift_y = sy * inv
            sum_x = 0.0
            sum_y = 0.0
            sum_x2 = 0.0
            sum_y2 = 0.0
            sum_xy = 0.0
            for j in range(ws, today + 1):
                x = real0[j] - shift_x
                sum_x += x
                sum_x2 += x * x
                y = real1[j] - shift_y
                sum_xy += x * y
                sum_y += y
                sum_y2 += y * y
            ss_x = sum_x2 - ((sum_x * sum_x) * inv)
            ss_y = sum_y2 - ((sum_y * sum_y) * inv)
            sp_xy = sum_xy - ((sum_x * sum_y) * inv)
            if ss_x < 0.0:
                ss_x = 0.0
            if ss_y < 0.0:
                ss_y = 0.0
        tx = real0[trailing] - shift_x
        ty = real1[trailing] - shift_y
        trailing += 1
        # (a product of the two that underflows to 0 gives 0 too, as in TA-Lib)
        if FMA_BUILD:
            den = ss_x * ss_y
            if not (ss_x > 0.00000000000001 * sum_x2 and ss_y > 0.00000000000001 * sum_y2):
                den = -1.0
            keep_num[k] = sp_xy
            keep_den[k] = den
            k += 1
            if k == size:
                _st_correl_values(keep_num, keep_den, out[today + 1 - size:today + 1])
                k = 0
        elif (ss_x > 0.00000000000001 * sum_x2 and ss_y > 0.00000000000001 * sum_y2
                and ss_x * ss_y > 0.0):
            r = sp_xy / math.sqrt(ss_x * ss_y)
            if r > 1.0:
                r = 1.0
            elif r < -1.0:
                r = -1.0
            out[today] = r
        else:
            out[today] = 0.0
        leaving_x = tx * tx
        leaving_y = ty * ty
        sum_x -= tx
        sum_x2 -= leaving_x
        sum_xy -= tx * ty
        sum_y -= ty
        sum_y2 -= leaving_y
    if k > 0:
        _st_correl_values(keep_num[:k], keep_den[:k], out[n - k:])
    return out


@helper
def _st_is_zero(v):
    # TA-Lib 0.8 (as installed) tests a previous price against 0 exactly, not within 1e-14
    return v == 0.0


@helper
def _st_ret(price, prev, shift):
    # TA-Lib's BETA return of one row, measured against ``shift``; -shift after a ~0 price.
    if _st_is_zero(prev):
        return -shift
    return (price - prev) / prev - shift


@export("f8[::1](f8[::1], f8[::1], i8, i8)")
def beta(real0, real1, start, timeperiod):
    """Beta: slope of the regression of ``real1``'s one-row returns on ``real0``'s.

    Lookback ``timeperiod``. A previous price of exactly 0 gives a 0 return; 0 where
    ``real0``'s returns do not vary over the window (or the running sums hold a NaN).
    """
    n = real0.shape[0]
    first = start + timeperiod
    out = nan_head(n, first)
    if first >= n:
        return out
    trailing = start
    last_x = real0[trailing]
    last_y = real1[trailing]
    i = trailing + 1
    shift_x = 0.0
    shift_y = 0.0
    if not _st_is_zero(last_x):
        shift_x = (real0[i] - last_x) / last_x
    if not _st_is_zero(last_y):
        shift_y = (real1[i] - last_y) / last_y
    s_xx = 0.0
    s_xy = 0.0
    s_x = 0.0
    s_y = 0.0
    s_yy = 0.0
    p = timeperiod
    # raw returns (before the shift) of the window's rows in a ring, so each row's return
    # is divided out once (entering) and reused when it leaves; a rebuild recomputes
    # from the prices as TA-Lib does. A ~0 previous price gives the raw return 0.
    rx = np.empty(p)
    ry = np.empty(p)
    k = 0
    while i < first:
        px = last_x
        last_x = real0[i]
        py = last_y
        last_y = real1[i]
        ax = (last_x - px) / px
        ax = 0.0 if _st_is_zero(px) else ax
        ay = (last_y - py) / py
        ay = 0.0 if _st_is_zero(py) else ay
        rx[k] = ax
        ry[k] = ay
        k += 1
        x = ax - shift_x
        y = ay - shift_y
        i += 1
        s_xx += x * x
        s_xy += x * y
        s_x += x
        s_y += y
        s_yy += y * y
    k = 0
    kw = p - 1
    fn = float(timeperiod)
    bars = 32 * timeperiod
    leaving_xx = 0.0
    leaving_yy = 0.0
    a0 = real0[first:]
    a0p = real0[first - 1:n - 1]
    a1 = real1[first:]
    a1p = real1[first - 1:n - 1]
    o = out[first:]
    for j in range(o.shape[0]):
        px = a0p[j]
        py = a1p[j]
        ax = (a0[j] - px) / px
        ax = 0.0 if _st_is_zero(px) else ax
        ay = (a1[j] - py) / py
        ay = 0.0 if _st_is_zero(py) else ay
        rx[kw] = ax
        ry[kw] = ay
        lx = rx[k]
        ly = ry[k]
        k = k + 1 if k + 1 < p else 0
        kw = kw + 1 if kw + 1 < p else 0
        x = ax - shift_x
        y = ay - shift_y
        s_xx += x * x
        s_xy += x * y
        s_x += x
        s_y += y
        s_yy += y * y
        denom_scale = fn * s_xx
        denom = denom_scale - (s_x * s_x)
        bars -= 1
        if (denom < 0.000001 * denom_scale or leaving_xx > 1000.0 * s_xx
                or leaving_yy > 1000.0 * s_yy or bars <= 0):
            bars = 32 * timeperiod
            i = first + j + 1
            trailing = i - p
            tpx = real0[trailing - 1]
            tpy = real1[trailing - 1]
            px = tpx
            py = tpy
            tx = 0.0
            ty = 0.0
            for q in range(trailing, i):
                if not _st_is_zero(px):
                    tx += (real0[q] - px) / px
                px = real0[q]
                if not _st_is_zero(py):
                    ty += (real1[q] - py) / py
                py = real1[q]
            shift_x = tx / fn
            shift_y = ty / fn
            px = tpx
            py = tpy
            s_xx = 0.0
            s_xy = 0.0
            s_x = 0.0
            s_y = 0.0
            s_yy = 0.0
            for q in range(trailing, i):
                x = _st_ret(real0[q], px, shift_x)
                px = real0[q]
                y = _st_ret(real1[q], py, shift_y)
                py = real1[q]
                s_xx += x * x
                s_xy += x * y
                s_x += x
                s_y += y
                s_yy += y * y
            denom_scale = fn * s_xx
            denom = denom_scale - (s_x * s_x)
            if denom < 0.0:
                denom = 0.0
        x = lx - shift_x
        y = ly - shift_y
        r = ((fn * s_xy) - (s_x * s_y)) / denom
        o[j] = r if denom > 0.00000000000001 * denom_scale else 0.0
        leaving_xx = x * x
        leaving_yy = y * y
        s_xx -= x * x
        s_xy -= x * y
        s_x -= x
        s_y -= y
        s_yy -= y * y
    return out
