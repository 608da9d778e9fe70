"""Python versions of ``ftaccel.kernels.indicators.statistic``.

TA-Lib 0.8 computes these functions with running window sums that it rebuilds from the
window every ``32 * timeperiod`` bars and whenever an accuracy test fires; when a NaN
clears, when a flat window reads exactly 0 and the last digits of every value depend on
that running state. A vectorised formula reproduces neither, so these twins replay the
recurrence in plain Python (over lists of floats, which is what makes that affordable).
"""

import math

import numpy as np

from ._common import _nan_head

_EPS = 0.00000000000001  # TA-Lib 0.8's TA_EPSILON


def _fill(out, first, values):
    if values:
        out[first:] = values
    return out


def _rebuild(xs, lo, hi, shift):
    """Sum of deviations and of squared deviations from ``shift`` over ``xs[lo:hi]``."""
    t1 = t2 = 0.0
    for v in xs[lo:hi]:
        d = v - shift
        t1 += d
        t2 += d * d
    return t1, t2


def _var(real, start, timeperiod):
    n = real.shape[0]
    lb = timeperiod - 1
    first = start + lb
    out = _nan_head(n, first)
    if first >= n:
        return out
    xs = real.tolist()
    inv = 1.0 / timeperiod
    shift = xs[start]
    t1, t2 = _rebuild(xs, start, first, shift)
    res = []
    bars = 32 * timeperiod
    for i in range(first, n):
        d = xs[i] - shift
        t1 += d
        t2 += d * d
        mean = t1 * inv
        variance = t2 * inv - mean * mean
        d = xs[i - lb] - shift
        t1 -= d
        d = d * d
        t2 -= d
        bars -= 1
        if variance < 0.000001 * (t2 * inv) or d > 1000000.0 * t2 or bars <= 0:
            bars = 32 * timeperiod
            s = 0.0
            for v in xs[i - lb : i + 1]:
                s += v
            shift = s * inv
            t1, t2 = _rebuild(xs, i - lb, i + 1, shift)
            mean = t1 * inv
            variance = t2 * inv - mean * mean
            if variance < 0.000000000001 * (t2 * inv):
                variance = 0.0
            d = xs[i - lb] - shift
            t1 -= d
            t2 -= d * d
        res.append(variance)
    return _fill(out, first, res)


def var(real, start, timeperiod, nbdev):
    return _var(real, start, timeperiod)


def stddev(real, start, timeperiod, nbdev):
    out = _var(real, start, timeperiod)
    first = min(start + timeperiod - 1, out.shape[0])
    with np.errstate(invalid="ignore"):
        out[first:] = np.sqrt(out[first:]) * nbdev
    return out


def _linreg_sums(xs, lo, hi):
    """(SumY, SumXY, sum|y|) over ``xs[lo:hi]``, weights counting down to 0 at the newest."""
    sy = sxy = sa = 0.0
    w = float(hi - lo - 1)
    for v in xs[lo:hi]:
        sy += v
        sxy += w * v
        sa += abs(v)
        w -= 1.0
    return sy, sxy, sa


def _linreg(real, start, timeperiod):
    """Per output row: (m, b) of TA-Lib's least-squares line, or None before the lookback."""
    n = real.shape[0]
    lb = timeperiod - 1
    first = start + lb
    if first >= n:
        return first, [], []
    xs = real.tolist()
    fp = float(timeperiod)
    sum_x = fp * lb * 0.5
    sum_xsqr = fp * lb * (2 * timeperiod - 1) / 6.0
    divisor = sum_x * sum_x - timeperiod * sum_xsqr
    sy, sxy, sa = _linreg_sums(xs, start, first + 1)
    ms, bs = [], []
    bars = 32 * timeperiod
    for today in range(first, n):
        if today > first:
            tv = xs[today - timeperiod]
            weighted = fp * tv
            sxy = sxy + sy - weighted
            sy = sy - tv + xs[today]
            sa = sa - abs(tv) + abs(xs[today])
            bars -= 1
            if bars <= 0 or abs(weighted) > 100.0 * sa:
                bars = 32 * timeperiod
                sy, sxy, sa = _linreg_sums(xs, today - lb, today + 1)
        m = (timeperiod * sxy - sum_x * sy) / divisor
        ms.append(m)
        bs.append((sy - m * sum_x) / fp)
    return first, ms, bs


def _linreg_out(real, start, timeperiod, pick):
    with np.errstate(invalid="ignore", over="ignore"):
        first, ms, bs = _linreg(real, start, timeperiod)
        out = _nan_head(real.shape[0], first)
        if ms:
            out[first:] = pick(np.array(ms), np.array(bs))
    return out


def linearreg(real, start, timeperiod):
    return _linreg_out(real, start, timeperiod, lambda m, b: b + m * float(timeperiod - 1))


def linearreg_slope(real, start, timeperiod):
    return _linreg_out(real, start, timeperiod, lambda m, b: m)


def linearreg_angle(real, start, timeperiod):
    return _linreg_out(real, start, timeperiod,
                       lambda m, b: np.arctan(m) * (180.0 / 3.14159265358979323846))


def linearreg_intercept(real, start, timeperiod):
    return _linreg_out(real, start, timeperiod, lambda m, b: b)


def tsf(real, start, timeperiod):
    return _linreg_out(real, start, timeperiod, lambda m, b: b + m * float(timeperiod))


def correl(real0, real1, start, timeperiod):
    n = real0.shape[0]
    lb = timeperiod - 1
    first = start + lb
    out = _nan_head(n, first)
    if first >= n:
        return out
    xs = real0.tolist()
    ys = real1.tolist()
    inv = 1.0 / timeperiod

    def sums(lo, hi, cx, cy):
        sx = sy = sx2 = sy2 = sxy = 0.0
        for a, b in zip(xs[lo:hi], ys[lo:hi]):
            a -= cx
            b -= cy
            sx += a
            sx2 += a * a
            sxy += a * b
            sy += b
            sy2 += b * b
        return sx, sy, sx2, sy2, sxy

    cx, cy = xs[start], ys[start]
    sx, sy, sx2, sy2, sxy = sums(start, first, cx, cy)
    bars = 32 * timeperiod
    lx = ly = 0.0
    res = []
    for today in range(first, n):
        a = xs[today] - cx
        b = ys[today] - cy
        sx += a
        sx2 += a * a
        sxy += a * b
        sy += b
        sy2 += b * b
        ssx = sx2 - ((sx * sx) * inv)
        ssy = sy2 - ((sy * sy) * inv)
        spxy = sxy - ((sx * sy) * inv)
        bars -= 1
        if (ssx < 0.000001 * sx2 or ssy < 0.000001 * sy2 or lx > 1000000.0 * sx2
                or ly > 1000000.0 * sy2 or bars <= 0):
            bars = 32 * timeperiod
            tx = ty = 0.0
            for a, b in zip(xs[today - lb : today + 1], ys[today - lb : today + 1]):
                tx += a
                ty += b
            cx, cy = tx * inv, ty * inv
            sx, sy, sx2, sy2, sxy = sums(today - lb, today + 1, cx, cy)
            ssx = sx2 - ((sx * sx) * inv)
            ssy = sy2 - ((sy * sy) * inv)
            if ssx < 0.0:
                ssx = 0.0
            if ssy < 0.0:
                ssy = 0.0
            spxy = sxy - ((sx * sy) * inv)
        a = xs[today - lb] - cx
        b = ys[today - lb] - cy
        if ssx > _EPS * sx2 and ssy > _EPS * sy2 and ssx * ssy > 0.0:
            res.append(min(max(spxy / math.sqrt(ssx * ssy), -1.0), 1.0))
        else:
            res.append(0.0)
        lx = a * a
        ly = b * b
        sx -= a
        sx2 -= lx
        sxy -= a * b
        sy -= b
        sy2 -= ly
    return _fill(out, first, res)


def _beta_return(price, prev, shift):
    if prev == 0.0:  # TA-Lib 0.8 tests against 0 exactly
        return -shift
    return (price - prev) / prev - shift


def beta(real0, real1, start, timeperiod):
    n = real0.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    xs = real0.tolist()
    ys = real1.tolist()
    fn = float(timeperiod)
    cx = 0.0 if xs[start] == 0.0 else (xs[start + 1] - xs[start]) / xs[start]
    cy = 0.0 if ys[start] == 0.0 else (ys[start + 1] - ys[start]) / ys[start]

    def sums(lo, hi, cx, cy):
        # returns of rows lo..hi-1 (each against its predecessor), measured from (cx, cy)
        sxx = sxy = sx = sy = syy = 0.0
        for j in range(lo, hi):
            a = _beta_return(xs[j], xs[j - 1], cx)
            b = _beta_return(ys[j], ys[j - 1], cy)
            sxx += a * a
            sxy += a * b
            sx += a
            sy += b
            syy += b * b
        return sxx, sxy, sx, sy, syy

    sxx, sxy, sx, sy, syy = sums(start + 1, first, cx, cy)
    bars = 32 * timeperiod
    leaving_x = leaving_y = 0.0
    res = []
    for i in range(first, n):
        a = _beta_return(xs[i], xs[i - 1], cx)
        b = _beta_return(ys[i], ys[i - 1], cy)
        sxx += a * a
        sxy += a * b
        sx += a
        sy += b
        syy += b * b
        scale = fn * sxx
        denom = scale - (sx * sx)
        bars -= 1
        if (denom < 0.000001 * scale or leaving_x > 1000.0 * sxx or leaving_y > 1000.0 * syy
                or bars <= 0):
            bars = 32 * timeperiod
            lo = i - timeperiod + 1
            tx = ty = 0.0
            for j in range(lo, i + 1):
                if xs[j - 1] != 0.0:
                    tx += (xs[j] - xs[j - 1]) / xs[j - 1]
                if ys[j - 1] != 0.0:
                    ty += (ys[j] - ys[j - 1]) / ys[j - 1]
            cx, cy = tx / fn, ty / fn
            sxx, sxy, sx, sy, syy = sums(lo, i + 1, cx, cy)
            scale = fn * sxx
            denom = scale - (sx * sx)
            if denom < 0.0:
                denom = 0.0
        t = i - timeperiod + 1
        a = _beta_return(xs[t], xs[t - 1], cx)
        b = _beta_return(ys[t], ys[t - 1], cy)
        res.append(((fn * sxy) - (sx * sy)) / denom if denom > _EPS * scale else 0.0)
        leaving_x = a * a
        leaving_y = b * b
        sxx -= a * a
        sxy -= a * b
        sx -= a
        sy -= b
        syy -= b * b
    return _fill(out, first, res)
