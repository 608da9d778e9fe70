"""Python versions of ``ftaccel.kernels.indicators.cycle``.

The Hilbert chain is a recursive filter (each bar's period sets the next bar's filter
gain), so there is nothing to vectorise: this replays it bar by bar on Python floats,
organised like TA-Lib's ``DO_HILBERT_TRANSFORM`` macro (one small filter object per
series and bar parity).
"""

import math

from ._common import _nan_head

_A = 0.0962
_B = 0.5769


class _Hilbert:
    """One of TA-Lib's Hilbert filters for one bar parity: 3-slot ring + previous terms."""

    __slots__ = ("ring", "prev", "prev_input")

    def __init__(self):
        self.ring = [0.0, 0.0, 0.0]
        self.prev = 0.0
        self.prev_input = 0.0

    def step(self, x, slot, gain):
        t = _A * x
        y = -self.ring[slot]
        self.ring[slot] = t
        y += t
        y -= self.prev
        self.prev = _B * self.prev_input
        y += self.prev
        self.prev_input = x
        return y * gain


def _div(a, b):
    """``a / b`` with IEEE semantics (Python raises on a zero divisor)."""
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _sin(x):
    return math.sin(x) if math.isfinite(x) else math.nan


def _cos(x):
    return math.cos(x) if math.isfinite(x) else math.nan


def _int(x):
    return int(x) if -2147483649.0 < x < 2147483648.0 else -2147483648


def _bars(real, start, warm):
    """Yield, per bar after the warm-up: (index, smoothed price, I1, Q1, period)."""
    xs = real.tolist()
    n = len(xs)
    wsum = xs[start] + xs[start + 1] * 2.0 + xs[start + 2] * 3.0
    sub = xs[start]
    sub += xs[start + 1]
    sub += xs[start + 2]
    trailing_value = 0.0
    trailing = start
    today = start + 3
    for _ in range(warm):
        v = xs[today]
        today += 1
        sub += v
        sub -= trailing_value
        wsum += v * 4.0
        trailing_value = xs[trailing]
        trailing += 1
        wsum -= sub
    filters = {(name, parity): _Hilbert() for name in ("det", "q1", "ji", "jq")
               for parity in (0, 1)}
    slot = 0
    period = 0.0
    prev_i2 = prev_q2 = re = im = 0.0
    delayed = {0: [0.0, 0.0], 1: [0.0, 0.0]}  # parity -> [I1 two bars back, three bars back]
    rad2deg = 45.0 / math.atan(1.0)
    while today < n:
        gain = (0.075 * period) + 0.54
        v = xs[today]
        sub += v
        sub -= trailing_value
        wsum += v * 4.0
        trailing_value = xs[trailing]
        trailing += 1
        smoothed = wsum * 0.1
        wsum -= sub
        parity = 1 if (today - start) % 2 == 0 else 0
        i1 = delayed[parity][1]
        detrender = filters["det", parity].step(smoothed, slot, gain)
        q1 = filters["q1", parity].step(detrender, slot, gain)
        ji = filters["ji", parity].step(i1, slot, gain)
        jq = filters["jq", parity].step(q1, slot, gain)
        q2 = (0.2 * (q1 + ji)) + (0.8 * prev_q2)
        i2 = (0.2 * (i1 - jq)) + (0.8 * prev_i2)
        other = delayed[1 - parity]
        other[1] = other[0]
        other[0] = detrender
        if parity == 1:
            slot = (slot + 1) % 3
        re = (0.2 * ((i2 * prev_i2) + (q2 * prev_q2))) + (0.8 * re)
        im = (0.2 * ((i2 * prev_q2) - (q2 * prev_i2))) + (0.8 * im)
        prev_q2, prev_i2 = q2, i2
        last = period
        if im != 0.0 and re != 0.0:
            period = _div(360.0, math.atan(im / re) * rad2deg)
        bound = 1.5 * last
        if period > bound:
            period = bound
        bound = 0.67 * last
        if period < bound:
            period = bound
        if period < 6:
            period = 6.0
        elif period > 50:
            period = 50.0
        period = (0.2 * period) + (0.8 * last)
        yield today, smoothed, i1, q1, period
        today += 1


def _prepare(real, start, lookback, outputs):
    n = real.shape[0]
    first = start + lookback
    outs = tuple(_nan_head(n, first) for _ in range(outputs))
    return first, outs, first < n


def ht_dcperiod(real, start):
    first, (out,), go = _prepare(real, start, 32, 1)
    if go:
        smooth = 0.0
        for today, _, _, _, period in _bars(real, start, 9):
            smooth = (0.33 * period) + (0.67 * smooth)
            if today >= first:
                out[today] = smooth
    return out


def ht_phasor(real, start):
    first, (inphase, quadrature), go = _prepare(real, start, 32, 2)
    if go:
        for today, _, i1, q1, _ in _bars(real, start, 9):
            if today >= first:
                inphase[today] = i1
                quadrature[today] = q1
    return inphase, quadrature


def _phase_bars(real, start):
    """Yield per bar: (index, smoothed price, smooth period, DC phase in degrees)."""
    quarter = math.atan(1.0)
    rad2deg = 45.0 / quarter
    by360 = quarter * 8.0
    history = []  # smoothed prices, newest last (at most 50 kept)
    smooth = 0.0
    phase = 0.0
    for today, smoothed, _, _, period in _bars(real, start, 34):
        history.append(smoothed)
        if len(history) > 50:
            del history[0]
        smooth = (0.33 * period) + (0.67 * smooth)
        count = _int(smooth + 0.5)
        real_part = imag_part = 0.0
        for k in range(count):
            angle = (k * by360) / count
            price = history[-1 - k] if k < len(history) else 0.0
            real_part += _sin(angle) * price
            imag_part += _cos(angle) * price
        if abs(imag_part) > 0.0:
            phase = math.atan(real_part / imag_part) * rad2deg
        elif abs(imag_part) <= 0.01:
            if real_part < 0.0:
                phase -= 90.0
            elif real_part > 0.0:
                phase += 90.0
        phase += 90.0
        phase += _div(360.0, smooth)
        if imag_part < 0.0:
            phase += 180.0
        if phase > 315.0:
            phase -= 360.0
        yield today, smoothed, smooth, phase


def ht_dcphase(real, start):
    first, (out,), go = _prepare(real, start, 63, 1)
    if go:
        for today, _, _, phase in _phase_bars(real, start):
            if today >= first:
                out[today] = phase
    return out


def _sines(phase):
    deg2rad = 1.0 / (45.0 / math.atan(1.0))
    return _sin(phase * deg2rad), _sin((phase + 45) * deg2rad)


def ht_sine(real, start):
    first, (sine, lead), go = _prepare(real, start, 63, 2)
    if go:
        for today, _, _, phase in _phase_bars(real, start):
            if today >= first:
                sine[today], lead[today] = _sines(phase)
    return sine, lead


def _raw_mean(xs, today, smooth):
    count = _int(smooth + 0.5)
    total = 0.0
    for k in range(min(count, 50)):
        if today - k >= 0:
            total += xs[today - k]
    return total / count if count > 0 else total


def ht_trendline(real, start):
    first, (out,), go = _prepare(real, start, 63, 1)
    if go:
        xs = real.tolist()
        trend = [0.0, 0.0, 0.0]  # iTrend1..3
        smooth = 0.0
        for today, _, _, _, period in _bars(real, start, 34):
            smooth = (0.33 * period) + (0.67 * smooth)
            avg = _raw_mean(xs, today, smooth)
            value = (4.0 * avg + 3.0 * trend[0] + 2.0 * trend[1] + trend[2]) / 10.0
            trend = [avg, trend[0], trend[1]]
            if today >= first:
                out[today] = value
    return out


def ht_trendmode(real, start):
    first, (out,), go = _prepare(real, start, 63, 1)
    out[: min(first, out.shape[0])] = 0.0  # TA-Lib's int32 output reads 0 in the lookback
    if go:
        xs = real.tolist()
        trend_hist = [0.0, 0.0, 0.0]
        sine = lead = 0.0
        prev_phase = 0.0
        days = 0
        for today, smoothed, smooth, phase in _phase_bars(real, start):
            prev_sine, prev_lead = sine, lead
            sine, lead = _sines(phase)
            avg = _raw_mean(xs, today, smooth)
            trendline = (4.0 * avg + 3.0 * trend_hist[0] + 2.0 * trend_hist[1]
                         + trend_hist[2]) / 10.0
            trend_hist = [avg, trend_hist[0], trend_hist[1]]
            trend = 1
            if (sine > lead and prev_sine <= prev_lead) or (sine < lead and prev_sine >= prev_lead):
                days = 0
                trend = 0
            days += 1
            if days < 0.5 * smooth:
                trend = 0
            change = phase - prev_phase
            if smooth != 0.0 and (0.67 * 360.0 / smooth) < change < (1.5 * 360.0 / smooth):
                trend = 0
            if trendline != 0.0 and abs((smoothed - trendline) / trendline) >= 0.015:
                trend = 1
            prev_phase = phase
            if today >= first:
                out[today] = trend
    return out
