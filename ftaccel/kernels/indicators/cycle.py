"""Hilbert-transform cycle indicators (HT_*), TA-Lib compatible.

One core, :func:`_make_ht`, runs John Ehlers' chain exactly as TA-Lib's C code does:
a 4-bar WMA smooths the price, then the detrender, Q1, jI and jQ Hilbert filters, each
with TA-Lib's separate 3-slot circular buffers for odd and even bars (bar parity counts
from the first row TA-Lib computes from, ``start``), the homodyne period estimate and its
smoothing. Each exported kernel picks what it reads off that chain.

HT_TRENDLINE belongs to TA-Lib's "Overlap Studies" group, but its kernel lives here, next
to the shared Hilbert core it is computed from (its table row is in ``_ta/cycle.py`` for
the same reason). So does MAMA (:func:`_mama`, TA-Lib's MA type 7), whose own Hilbert
chain fuses as these do.
"""

import math

import numpy as np

from .. import export, helper, mul_add
from ._common import nan_head

# The FMA module fuses exactly where ``mul_add`` is written, as TA-Lib's FMA build does,
# and nowhere else (see ``build_kernels.fma_exact``).
FMA_EXACT = True

NAN = np.nan

DCPERIOD = 0
PHASOR = 1
DCPHASE = 2
SINE = 3
TRENDMODE = 4
TRENDLINE = 5


@helper
def _c_int(x):
    """``(int)x`` as compiled C on x86-64: truncation; NaN and out-of-range give INT_MIN."""
    if x > -2147483649.0 and x < 2147483648.0:
        return int(x)
    return -2147483648


@helper
def _wma_step(v, trailing_value, wma_sub, wma_sum):
    """One bar of TA-Lib's 4-3-2-1 WMA price smoother (the Hilbert core's and MAMA's):
    ``v`` enters, ``trailing_value`` leaves. Returns (smoothed, wma_sub, wma_sum)."""
    wma_sub += v
    wma_sub -= trailing_value
    wma_sum += v * 4.0
    smoothed = wma_sum * 0.1
    wma_sum -= wma_sub
    return smoothed, wma_sub, wma_sum


@helper
def _wma_prime(real, start, warm):
    """The smoother primed as TA-Lib does: 3 bars, then ``warm`` bars. Returns (today,
    trailing, trailing_value, wma_sub, wma_sum) for the first bar of the main loop."""
    v = real[start]
    wma_sub = v
    wma_sum = v
    v = real[start + 1]
    wma_sub += v
    wma_sum += v * 2.0
    v = real[start + 2]
    wma_sub += v
    wma_sum += v * 3.0
    today = start + 3
    trailing = start
    trailing_value = 0.0
    for _ in range(warm):
        _, wma_sub, wma_sum = _wma_step(real[today], trailing_value, wma_sub, wma_sum)
        today += 1
        trailing_value = real[trailing]
        trailing += 1
    return today, trailing, trailing_value, wma_sub, wma_sum


@helper
def _hilbert(ring, slot, x, prev, prev_input, gain):
    """One step of TA-Lib's DO_HILBERT_TRANSFORM; returns (output, new prev term)."""
    t = 0.0962 * x
    y = -ring[slot]
    ring[slot] = t
    y += t
    y -= prev
    prev = 0.5769 * prev_input
    y += prev
    return y * gain, prev


@helper
def _raw_average(real, today, smooth_period):
    # Mean of the last int(smooth_period + 0.5) raw prices (newest first, as TA-Lib).
    dc_int = _c_int(smooth_period + 0.5)
    total = 0.0
    for k in range(min(dc_int, 50)):
        if today - k >= 0:
            total += real[today - k]
    if dc_int > 0:
        total = total / dc_int
    return total


@helper
def _raw_count(today, smooth_period):
    """How many raw prices :func:`_raw_average` adds for this bar, and its divisor."""
    dc_int = _c_int(smooth_period + 0.5)
    return max(min(dc_int, 50, today + 1), 0), dc_int


@helper
def _raw_averages4(real, t, p0, p1, p2, p3):
    """:func:`_raw_average` of bars ``t`` to ``t + 3`` (smoothed periods ``p0``-``p3``):
    the four serial sums run interleaved, each in its own order, so they overlap."""
    c0, d0 = _raw_count(t, p0)
    c1, d1 = _raw_count(t + 1, p1)
    c2, d2 = _raw_count(t + 2, p2)
    c3, d3 = _raw_count(t + 3, p3)
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    both = min(c0, c1, c2, c3)
    for k in range(both):
        s0 += real[t - k]
        s1 += real[t + 1 - k]
        s2 += real[t + 2 - k]
        s3 += real[t + 3 - k]
    for k in range(both, max(c0, c1, c2, c3)):
        if k < c0:
            s0 += real[t - k]
        if k < c1:
            s1 += real[t + 1 - k]
        if k < c2:
            s2 += real[t + 2 - k]
        if k < c3:
            s3 += real[t + 3 - k]
    return (s0 / d0 if d0 > 0 else s0, s1 / d1 if d1 > 0 else s1,
            s2 / d2 if d2 > 0 else s2, s3 / d3 if d3 > 0 else s3)


@helper
def _homodyne(i2, q2, prev_i2, prev_q2, re, im, period, rad2deg):
    """Ehlers' homodyne discriminator, one bar (the HT core's and MAMA's): the smoothed real
    and imaginary parts of the phase change, then the period they give, kept within 1.5x
    and 0.67x of the previous one and within [6, 50], smoothed. Returns (re, im, period)."""
    re = mul_add(0.8, re, 0.2 * mul_add(i2, prev_i2, q2 * prev_q2))
    im = mul_add(0.8, im, 0.2 * ((i2 * prev_q2) - (q2 * prev_i2)))
    last_period = period
    if im != 0.0 and re != 0.0:
        period = 360.0 / (math.atan(im / re) * rad2deg)
    bound = 1.5 * last_period
    if period > bound:
        period = bound
    bound = 0.67 * last_period
    if period < bound:
        period = bound
    if period < 6:
        period = 6.0
    elif period > 50:
        period = 50.0
    return re, im, mul_add(0.2, period, 0.8 * last_period)


def _make_ht(mode):
    """The Hilbert core compiled for one ``mode`` (a compile-time constant, so each
    function's build keeps only the branches it uses)."""

    def run(real, start):
        n = real.shape[0]
        if mode == DCPERIOD or mode == PHASOR:
            lookback = 32
            warm = 9
        else:
            lookback = 63
            warm = 34
        out1 = np.empty(n)
        # only PHASOR and SINE have a second output; the others hand out1 back twice
        # rather than allocate (and page in) an unused array
        two = mode == PHASOR or mode == SINE
        out2 = np.empty(n) if two else out1
        first = start + lookback
        for k in range(min(first, n)):
            out1[k] = NAN
            out2[k] = NAN
        if first >= n:
            return out1, out2

        quarter = math.atan(1.0)
        rad2deg = 45.0 / quarter  # equal, bit for bit, to TA-Lib's 180 / (4 atan 1)
        deg2rad = 1.0 / rad2deg
        deg2rad_by360 = quarter * 8.0

        # WMA price smoother, primed as TA-Lib does (3 bars, then `warm` bars).
        today, trailing, trailing_value, wma_sub, wma_sum = _wma_prime(real, start, warm)

        # Hilbert filter state as TA-Lib keeps it: per filter and bar parity (o: odd, e:
        # even) a 3-slot ring (in `ring`, 3 slots per filter and parity) and two scalars.
        ring = np.zeros(24)
        pd_o = 0.0
        pdi_o = 0.0
        pd_e = 0.0
        pdi_e = 0.0
        pq_o = 0.0
        pqi_o = 0.0
        pq_e = 0.0
        pqi_e = 0.0
        pji_o = 0.0
        pjii_o = 0.0
        pji_e = 0.0
        pjii_e = 0.0
        pjq_o = 0.0
        pjqi_o = 0.0
        pjq_e = 0.0
        pjqi_e = 0.0
        hidx = 0
        period = 0.0
        prev_i2 = 0.0
        prev_q2 = 0.0
        re = 0.0
        im = 0.0
        i1_odd3 = 0.0
        i1_even3 = 0.0
        i1_odd2 = 0.0
        i1_even2 = 0.0
        smooth_period = 0.0
        smooth_price = np.zeros(50)
        # sin/cos of (k * 2 pi) / d for every cycle length d <= 50 the phase loop can use:
        # the same expressions TA-Lib evaluates per bar, computed once.
        sin_tab = np.zeros((51, 50))
        cos_tab = np.zeros((51, 50))
        if mode == DCPHASE or mode == SINE or mode == TRENDMODE:
            for d in range(1, 51):
                for k in range(d):
                    t = (k * deg2rad_by360) / d
                    sin_tab[d, k] = math.sin(t)
                    cos_tab[d, k] = math.cos(t)
        sp_idx = 0
        dc_phase = 0.0
        sine = 0.0
        lead_sine = 0.0
        itrend1 = 0.0
        itrend2 = 0.0
        itrend3 = 0.0
        days_in_trend = 0
        even = (today - start) % 2 != 0  # flipped at the top of each bar

        while today < n:
            adj = mul_add(0.075, period, 0.54)
            smoothed, wma_sub, wma_sum = _wma_step(real[today], trailing_value, wma_sub,
                                                   wma_sum)
            trailing_value = real[trailing]
            trailing += 1
            smooth_price[sp_idx] = smoothed

            even = not even
            if even:
                i1 = i1_even3
                detrender, pd_e = _hilbert(ring, 12 + hidx, smoothed, pd_e, pdi_e, adj)
                pdi_e = smoothed
                q1, pq_e = _hilbert(ring, 15 + hidx, detrender, pq_e, pqi_e, adj)
                pqi_e = detrender
                ji, pji_e = _hilbert(ring, 18 + hidx, i1, pji_e, pjii_e, adj)
                pjii_e = i1
                jq, pjq_e = _hilbert(ring, 21 + hidx, q1, pjq_e, pjqi_e, adj)
                pjqi_e = q1
            else:
                i1 = i1_odd3
                detrender, pd_o = _hilbert(ring, hidx, smoothed, pd_o, pdi_o, adj)
                pdi_o = smoothed
                q1, pq_o = _hilbert(ring, 3 + hidx, detrender, pq_o, pqi_o, adj)
                pqi_o = detrender
                ji, pji_o = _hilbert(ring, 6 + hidx, i1, pji_o, pjii_o, adj)
                pjii_o = i1
                jq, pjq_o = _hilbert(ring, 9 + hidx, q1, pjq_o, pjqi_o, adj)
                pjqi_o = q1
            if mode == PHASOR and today >= first:
                out1[today] = i1
                out2[today] = q1

            q2 = mul_add(0.2, q1 + ji, 0.8 * prev_q2)
            i2 = mul_add(0.2, i1 - jq, 0.8 * prev_i2)
            if even:
                hidx += 1
                if hidx == 3:
                    hidx = 0
                i1_odd3 = i1_odd2
                i1_odd2 = detrender
            else:
                i1_even3 = i1_even2
                i1_even2 = detrender

            re, im, period = _homodyne(i2, q2, prev_i2, prev_q2, re, im, period, rad2deg)
            prev_q2 = q2
            prev_i2 = i2

            if mode != PHASOR:
                smooth_period = mul_add(0.67, smooth_period, 0.33 * period)

            if mode == DCPERIOD:
                if today >= first:
                    out1[today] = smooth_period
            elif mode == DCPHASE or mode == SINE or mode == TRENDMODE:
                prev_dc_phase = dc_phase
                dc_int = _c_int(smooth_period + 0.5)
                real_part = 0.0
                imag_part = 0.0
                idx = sp_idx
                for k in range(dc_int):
                    t2 = smooth_price[idx]
                    if dc_int <= 50:
                        real_part += sin_tab[dc_int, k] * t2
                        imag_part += cos_tab[dc_int, k] * t2
                    else:
                        t = (k * deg2rad_by360) / dc_int
                        real_part += math.sin(t) * t2
                        imag_part += math.cos(t) * t2
                    if idx == 0:
                        idx = 49
                    else:
                        idx -= 1
                t = abs(imag_part)
                if t > 0.0:
                    dc_phase = math.atan(real_part / imag_part) * rad2deg
                elif t <= 0.01:
                    if real_part < 0.0:
                        dc_phase -= 90.0
                    elif real_part > 0.0:
                        dc_phase += 90.0
                dc_phase += 90.0
                dc_phase += 360.0 / smooth_period
                if imag_part < 0.0:
                    dc_phase += 180.0
                if dc_phase > 315.0:
                    dc_phase -= 360.0
                if mode == DCPHASE:
                    if today >= first:
                        out1[today] = dc_phase
                else:
                    prev_sine = sine
                    prev_lead_sine = lead_sine
                    sine = math.sin(dc_phase * deg2rad)
                    lead_sine = math.sin((dc_phase + 45) * deg2rad)
                    if mode == SINE:
                        if today >= first:
                            out1[today] = sine
                            out2[today] = lead_sine
                    else:
                        avg = _raw_average(real, today, smooth_period)
                        trendline = (4.0 * avg + 3.0 * itrend1 + 2.0 * itrend2 + itrend3) / 10.0
                        itrend3 = itrend2
                        itrend2 = itrend1
                        itrend1 = avg
                        trend = 1
                        if ((sine > lead_sine and prev_sine <= prev_lead_sine)
                                or (sine < lead_sine and prev_sine >= prev_lead_sine)):
                            days_in_trend = 0
                            trend = 0
                        days_in_trend += 1
                        if days_in_trend < (0.5 * smooth_period):
                            trend = 0
                        t = dc_phase - prev_dc_phase
                        if smooth_period != 0.0 and (
                                t > (0.67 * 360.0 / smooth_period)
                                and t < (1.5 * 360.0 / smooth_period)):
                            trend = 0
                        t = smooth_price[sp_idx]
                        if trendline != 0.0 and abs((t - trendline) / trendline) >= 0.015:
                            trend = 1
                        if today >= first:
                            out1[today] = trend
            elif mode == TRENDLINE and today >= first - 3:
                out1[today] = smooth_period  # read (and overwritten) by the pass below

            sp_idx += 1
            if sp_idx == 50:
                sp_idx = 0
            today += 1

        if mode == TRENDLINE:
            # Each raw-price average is a serial sum, but none depends on another bar's:
            # in a pass of their own they overlap instead of queueing behind each bar's
            # Hilbert chain (values and order of additions unchanged).
            t = first - 3
            while t + 4 <= n:
                for avg in _raw_averages4(real, t, out1[t], out1[t + 1], out1[t + 2],
                                          out1[t + 3]):
                    value = (4.0 * avg + 3.0 * itrend1 + 2.0 * itrend2 + itrend3) / 10.0
                    itrend3, itrend2, itrend1 = itrend2, itrend1, avg
                    out1[t] = value if t >= first else NAN
                    t += 1
            for rest in range(t, n):
                avg = _raw_average(real, rest, out1[rest])
                value = (4.0 * avg + 3.0 * itrend1 + 2.0 * itrend2 + itrend3) / 10.0
                itrend3, itrend2, itrend1 = itrend2, itrend1, avg
                out1[rest] = value if rest >= first else NAN
        return out1, out2

    return helper(run)


_ht_dcperiod = _make_ht(DCPERIOD)
_ht_phasor = _make_ht(PHASOR)
_ht_dcphase = _make_ht(DCPHASE)
_ht_sine = _make_ht(SINE)
_ht_trendmode = _make_ht(TRENDMODE)
_ht_trendline = _make_ht(TRENDLINE)


@export("f8[::1](f8[::1], i8)")
def ht_dcperiod(real, start):
    """Dominant cycle period in bars (smoothed, within [6, 50] once settled). Lookback 32."""
    return _ht_dcperiod(real, start)[0]


@export("UniTuple(f8[::1], 2)(f8[::1], i8)")
def ht_phasor(real, start):
    """In-phase and quadrature components of the detrended, smoothed price. Lookback 32."""
    return _ht_phasor(real, start)


@export("f8[::1](f8[::1], i8)")
def ht_dcphase(real, start):
    """Dominant cycle phase in degrees (about -45 to 315). Lookback 63."""
    return _ht_dcphase(real, start)[0]


@export("UniTuple(f8[::1], 2)(f8[::1], i8)")
def ht_sine(real, start):
    """Sine of the dominant cycle phase, and of the phase advanced by 45 degrees. Lookback 63."""
    return _ht_sine(real, start)


@export("f8[::1](f8[::1], i8)")
def ht_trendmode(real, start):
    """1 in a trend, 0 in a cycle. Lookback 63, filled with 0 as TA-Lib's int32 output is.

    Returned as float; ``ftaccel.ta`` hands it out as int32.
    """
    out = _ht_trendmode(real, start)[0]
    for i in range(min(start + 63, out.shape[0])):
        out[i] = 0.0
    return out


@export("f8[::1](f8[::1], i8)")
def ht_trendline(real, start):
    """Instantaneous trendline: 4-3-2-1 weighted mean of the raw price averaged over the
    dominant cycle period (price units). Lookback 63."""
    return _ht_trendline(real, start)[0]


@helper
def _mama_hilbert(state, idx, value, adj, a, b):
    # one of TA-Lib's Hilbert transform steps: state = [ring0, ring1, ring2, prev, prev_input]
    h = a * value
    out = 0.0 - state[idx]
    state[idx] = h
    out += h
    out -= state[3]
    state[3] = b * state[4]
    out += state[3]
    state[4] = value
    return out * adj


@helper
def _mama(real, start, fastlimit, slowlimit, base):
    """MESA adaptive moving average (MAMA, FAMA) from ``start``; lookback 32.
    ``base`` fixes the odd/even bar parity (TA-Lib counts bars from its buffer start).
    TA-Lib's MA(matype=7) and the MA type of BBANDS, APO, ...; it lives here, with the other
    Hilbert chains, for the exact fusions of this module."""
    n = real.shape[0]
    first = start + 32
    mama_out = nan_head(n, first)
    fama_out = nan_head(n, first)
    if first >= n:
        return mama_out, fama_out
    a = 0.0962
    b = 0.5769
    rad2deg = 180.0 / (4.0 * np.arctan(1.0))
    today, trailing, trailing_value, wsub, wsum = _wma_prime(real, start, 9)
    # rows: detrender, Q1, jI, jQ; even then odd
    st = np.zeros((8, 5))
    hidx = 0
    period = 0.0
    prev_q2 = 0.0
    prev_i2 = 0.0
    re = 0.0
    im = 0.0
    mama = 0.0
    fama = 0.0
    i1_even3 = 0.0
    i1_odd3 = 0.0
    i1_even2 = 0.0
    i1_odd2 = 0.0
    prev_phase = 0.0
    while today < n:
        adj = mul_add(0.075, period, 0.54)
        value = real[today]
        smoothed, wsub, wsum = _wma_step(value, trailing_value, wsub, wsum)
        trailing_value = real[trailing]
        trailing += 1
        if (today - base) % 2 == 0:
            detrender = _mama_hilbert(st[0], hidx, smoothed, adj, a, b)
            q1 = _mama_hilbert(st[1], hidx, detrender, adj, a, b)
            ji = _mama_hilbert(st[2], hidx, i1_even3, adj, a, b)
            jq = _mama_hilbert(st[3], hidx, q1, adj, a, b)
            hidx += 1
            if hidx == 3:
                hidx = 0
            q2 = mul_add(0.2, q1 + ji, 0.8 * prev_q2)
            i2 = mul_add(0.2, i1_even3 - jq, 0.8 * prev_i2)
            i1_odd3 = i1_odd2
            i1_odd2 = detrender
            if i1_even3 != 0.0:
                phase = np.arctan(q1 / i1_even3) * rad2deg
            else:
                phase = 0.0
        else:
            detrender = _mama_hilbert(st[4], hidx, smoothed, adj, a, b)
            q1 = _mama_hilbert(st[5], hidx, detrender, adj, a, b)
            ji = _mama_hilbert(st[6], hidx, i1_odd3, adj, a, b)
            jq = _mama_hilbert(st[7], hidx, q1, adj, a, b)
            q2 = mul_add(0.2, q1 + ji, 0.8 * prev_q2)
            i2 = mul_add(0.2, i1_odd3 - jq, 0.8 * prev_i2)
            i1_even3 = i1_even2
            i1_even2 = detrender
            if i1_odd3 != 0.0:
                phase = np.arctan(q1 / i1_odd3) * rad2deg
            else:
                phase = 0.0
        delta = prev_phase - phase
        prev_phase = phase
        if delta < 1.0:
            delta = 1.0
        if delta > 1.0:
            alpha = fastlimit / delta
            if alpha < slowlimit:
                alpha = slowlimit
        else:
            alpha = fastlimit
        mama = mul_add(1 - alpha, mama, alpha * value)
        alpha *= 0.5
        fama = mul_add(1 - alpha, fama, alpha * mama)
        if today >= first:
            mama_out[today] = mama
            fama_out[today] = fama
        re, im, period = _homodyne(i2, q2, prev_i2, prev_q2, re, im, period, rad2deg)
        prev_q2 = q2
        prev_i2 = i2
        today += 1
    return mama_out, fama_out
