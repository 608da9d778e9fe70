"""Kernels with a fast path and a TA-Lib-order path: STOCH/STOCHF/STOCHRSI and AROON/AROONOSC
scan their windows block-wise when ``high - low`` is finite everywhere and fall back to
TA-Lib's extreme tracking otherwise; MIDPOINT/MIDPRICE take short windows by doubling
unless a NaN or a zero is in the input; the Hull MA runs its WMAs in two passes with a small
ring. Tick-rounded prices (many ties), a NaN or an inf anywhere (the fallback), periods on
both sides of the scan's limit, and lengths around the first output row, against TA-Lib."""

from __future__ import annotations

import numpy as np
import pytest
import talib
from util import assert_close

import ftaccel.ta as ta


def _hlc(seed: int, n: int, tick: float, bad: str | None):
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.002, n)))
    high = close * (1 + np.abs(rng.normal(0, 0.001, n)))
    low = close * (1 - np.abs(rng.normal(0, 0.001, n)))
    if tick:
        close, high, low = (np.round(a / tick) * tick for a in (close, high, low))
    if bad == "nan":
        high[n // 3] = np.nan
    elif bad == "inf":
        low[n // 2] = -np.inf
    elif bad == "close_nan":  # a NaN close only: the fast scan still runs
        close[n // 4] = np.nan
    return high, low, close


def _check(name, arrays, params):
    expected = getattr(talib, name)(*arrays, **params)
    got = getattr(ta, name)(*arrays, **params)
    if not isinstance(expected, tuple):
        expected, got = (expected,), (got,)
    for g, e, out in zip(got, expected, ta.BY_NAME[name].outputs):
        assert_close(g, e, what=f"{name} {out} {params}")


BAD = [None, "nan", "inf", "close_nan"]
TICKS = [0.0, 0.05, 0.5]  # none, some and many tied highs and lows


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("tick", TICKS)
def test_stochastics_match_talib_across_the_scan_limit(tick, bad, backend):
    high, low, close = _hlc(1, 3000, tick, bad)
    for k in (1, 2, 3, 5, 16, 17, 30):
        _check("STOCHF", [high, low, close], {"fastk_period": k})
        _check("STOCH", [high, low, close], {"fastk_period": k})
    for k in (5, 16, 17):
        _check("STOCHRSI", [close], {"fastk_period": k})


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("tick", TICKS)
def test_aroon_ties_and_holes_match_talib(tick, bad, backend):
    high, low, _ = _hlc(2, 3000, tick, bad)
    for period in (2, 3, 14, 25, 100):
        _check("AROON", [high, low], {"timeperiod": period})
        _check("AROONOSC", [high, low], {"timeperiod": period})


@pytest.mark.parametrize("tick", TICKS)
def test_extreme_indexes_match_talib(tick, backend):
    high, _, _ = _hlc(3, 3000, tick, "nan")
    for period in (2, 14, 30):
        _check("MAXINDEX", [high], {"timeperiod": period})
        _check("MININDEX", [high], {"timeperiod": period})


@pytest.mark.parametrize("period", [2, 3, 4, 5, 8, 9, 16, 30, 100])
def test_hull_ma_lengths_around_the_first_row_match_talib(period, backend):
    _, _, close = _hlc(4, 4000, 0.0, None)
    first = period - 1 + int(np.sqrt(period)) - 1
    for n in (first - 1, first, first + 1, first + 2, 8 * period + first + 3, 4000):
        if n < 1:
            continue
        x = close[:n].copy()
        _check("MA", [x], {"timeperiod": period, "matype": 9})
        if n > 3:
            x[1] = np.nan  # a NaN early: every later value is NaN until the rebuilds clear it
            _check("MA", [x], {"timeperiod": period, "matype": 9})


def _same_bits(got, expected, what, backend):
    assert np.array_equal(got, expected, equal_nan=True), what
    if backend != "numpy":  # numpy's fmax may return the other zero of a tie of 0.0 and -0.0
        assert np.array_equal(np.signbit(got), np.signbit(expected)), what


@pytest.mark.parametrize("bad", [None, "nan", "zero", "signed_zeros", "last_nan", "last_zero",
                                 "lead"])
def test_midpoint_doubling_and_its_fallback_match_talib(bad, backend):
    """Short windows (2..20) by doubling, longer ones and any input holding a NaN or a zero
    (in a later block, on the very last row, mixed signed zeros) by TA-Lib's scan: exact
    bits."""
    rng = np.random.default_rng(5)
    n = 3100  # three blocks of 1,024 outputs and a partial one
    close = np.cumsum(rng.normal(0, 1, n)) + (0.0 if bad == "signed_zeros" else 500.0)
    high = close + rng.random(n)
    low = close - rng.random(n)
    if bad == "nan":
        close[2500] = high[2500] = low[1800] = np.nan
    elif bad == "zero":
        close[2000] = high[2000] = low[2000] = 0.0
    elif bad == "signed_zeros":  # windows holding both zeros: which one wins is the order's
        close[1500:1506] = [0.0, -0.0, 0.0, -0.0, -0.0, 0.0]
        high[1500:1506] = low[1500:1506] = close[1500:1506]
    elif bad == "last_nan":
        close[-1] = low[-1] = np.nan
    elif bad == "last_zero":
        close[-1] = low[-1] = 0.0
    elif bad == "lead":
        close[:37] = high[:37] = low[:37] = np.nan
    for period in (2, 3, 4, 5, 7, 14, 15, 16, 17, 20, 21, 30):
        for m in (n, 1024 + period - 1, 1024 + period, period, period - 1):
            c, h, lo = close[:m], high[:m], low[:m]
            _same_bits(ta.MIDPOINT(c, timeperiod=period), talib.MIDPOINT(c, timeperiod=period),
                       ("MIDPOINT", period, m), backend)
            _same_bits(ta.MIDPRICE(h, lo, timeperiod=period),
                       talib.MIDPRICE(h, lo, timeperiod=period), ("MIDPRICE", period, m), backend)
