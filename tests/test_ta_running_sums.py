"""TA-Lib 0.8 keeps running window sums and rebuilds them every ``32 * timeperiod`` bars
or when an accuracy test fires (VAR, STDDEV, CORREL, BETA, the LINEARREG family); the Hilbert
functions count bar parity from the first non-NaN row. These series are long enough to
reach the rebuilds after NaN holes, infs, outliers and flat stretches, and shift the first
valid row by one to flip the parity."""

from __future__ import annotations

import numpy as np
import pytest
import talib
from util import assert_close

import ftaccel.ta as ta

RUNNING = ("VAR", "STDDEV", "CORREL", "BETA", "LINEARREG", "LINEARREG_SLOPE", "LINEARREG_ANGLE",
           "LINEARREG_INTERCEPT", "TSF")
HILBERT = ("HT_DCPERIOD", "HT_DCPHASE", "HT_PHASOR", "HT_SINE", "HT_TRENDMODE",
           "HT_TRENDLINE")


def _series(seed: int, n: int = 3000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    x[rng.integers(50, n, 5)] = np.nan           # holes the running sums must recover from
    x[700] = np.inf
    x[1500:1700] = x[1500]                       # flat: variance exactly 0, correlation 0
    x[2100] *= 1e6                               # an outlier entering and leaving windows
    x[2400:2460] = x[2400] + 1e-7 * rng.standard_normal(60)  # near-flat, cancellation-prone
    return x


def _check(name, arrays, params):
    expected = getattr(talib, name)(*arrays, **params)
    got = getattr(ta, name)(*arrays, **params)
    if isinstance(expected, tuple):
        for g, e, out in zip(got, expected, ta.BY_NAME[name].outputs):
            assert_close(g, e, what=f"{name} {out} {params}")
    else:
        assert_close(got, expected, what=f"{name} {params}")


@pytest.mark.parametrize("name", RUNNING)
@pytest.mark.parametrize("seed", [0, 1])
def test_running_sums_recover_like_talib(name, seed, backend):
    x = _series(seed)
    arrays = [x * 1.01, x * 0.99 + np.sin(np.arange(x.size))] if name in ("CORREL", "BETA") else [x]
    for period in (2, 5, 14, 30):
        _check(name, arrays, {"timeperiod": period})


@pytest.mark.parametrize("name", HILBERT)
@pytest.mark.parametrize("lead", [0, 1, 4, 7])
def test_hilbert_parity_and_nan_like_talib(name, lead, backend):
    x = _series(3)
    x[:lead] = np.nan
    _check(name, [x], {})


@pytest.mark.parametrize("name", ["WMA", "BBANDS"])
@pytest.mark.parametrize("seed", [0, 1])
def test_rebuilt_averages_recover_like_talib(name, seed, backend):
    # WMA rebuilds its sums every 8 * timeperiod rows, BBANDS' deviation every 32
    x = _series(seed)
    for period in (2, 5, 14, 30):
        _check(name, [x], {"timeperiod": period})


@pytest.mark.parametrize("scale", [1e-12, 1e-15, 1e-80, 1e-130, 1e-160, 1e150])
def test_correl_beta_tiny_and_huge_magnitudes(scale, backend):
    """CORREL is 0 where the product of the two sums of squares underflows to 0 (it was
    +-1 from a division by 0); BETA's returns divide by any nonzero previous price, however
    small (a 1e-14 tolerance zeroed them)."""
    rng = np.random.default_rng(2)
    x = rng.random(80) * scale
    y = rng.random(80) * scale
    x[rng.random(80) < 0.1] = 0.0
    for period in (2, 5, 14):
        _check("CORREL", [x, y], {"timeperiod": period})
        _check("BETA", [x, y], {"timeperiod": period})


@pytest.mark.parametrize("prev", [0.0, 5e-324, 1e-300, 5e-15, -1e-300, 1e-9])
def test_beta_near_zero_previous_price(prev, backend):
    """Only an exact 0 gives BETA's zero return; 5e-15 gives a huge one, as in TA-Lib."""
    rng = np.random.default_rng(4)
    x = 1 + rng.random(60)
    y = 1 + rng.random(60)
    x[20] = prev
    _check("BETA", [x, y], {"timeperiod": 5})


@pytest.mark.parametrize("name", ["PLUS_DI", "MINUS_DI"])
def test_directional_index_period_one_with_an_infinite_price(name, backend):
    """With timeperiod 1 an infinite bar makes the true range NaN (inf - inf); TA-Lib then
    divides (NaN out) where a 0 range gives 0."""
    rng = np.random.default_rng(6)
    close = 100 + np.cumsum(rng.standard_normal(40))
    high, low = close + rng.random(40), close - rng.random(40)
    for arr in (high, low, close):
        arr[10] = np.inf
        arr[25] = -np.inf
    high[30] = low[30] = close[30] = close[29]  # a zero range
    _check(name, [high, low, close], {"timeperiod": 1})
