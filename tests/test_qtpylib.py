"""ftaccel.qtpylib against technical.qtpylib, per backend."""

import numpy as np
import pandas as pd
import pytest
from conftest import adversarial_series
from technical import qtpylib as ref

from ftaccel import qtpylib as qt

TOL = dict(check_exact=False, rtol=1e-9)


def _frames(real_candles):
    for name, df in list(real_candles.items())[:2]:
        yield name, df.iloc[:3000]
    for key, arr in adversarial_series(7).items():
        vol = np.where(np.arange(len(arr)) % 11 == 0, 0.0, 1000.0)
        yield key, pd.DataFrame({"open": arr, "high": arr * 1.01, "low": arr * 0.99,
                                 "close": arr, "volume": vol})


def _eq(a, b):
    if isinstance(b, pd.Series):
        pd.testing.assert_series_equal(a, b, **TOL)
    elif isinstance(b, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, **TOL)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-9, equal_nan=True)


@pytest.mark.parametrize("fn", ["typical_price", "mid_price", "true_range", "atr"])
def test_bar_functions(backend, real_candles, fn):
    for _, df in _frames(real_candles):
        _eq(getattr(qt, fn)(df), getattr(ref, fn)(df))


@pytest.mark.parametrize("fn", ["rolling_mean", "rolling_std", "rolling_min", "rolling_max", "sma"])
@pytest.mark.parametrize("window,min_periods", [(14, None), (20, 5), (1, None), (5000, None)])
def test_rolling(backend, real_candles, fn, window, min_periods):
    for _, df in _frames(real_candles):
        s = df["close"]
        _eq(getattr(qt, fn)(s, window, min_periods), getattr(ref, fn)(s, window, min_periods))
    arr = df["close"].to_numpy()
    _eq(getattr(qt, fn)(arr, window, min_periods), getattr(ref, fn)(arr, window, min_periods))


@pytest.mark.parametrize("fn", ["crossed", "crossed_above", "crossed_below"])
def test_crossed(backend, real_candles, fn):
    for _, df in _frames(real_candles):
        fast, slow = ref.sma(df["close"], 5), ref.sma(df["close"], 20)
        _eq(getattr(qt, fn)(fast, slow), getattr(ref, fn)(fast, slow))
        _eq(getattr(qt, fn)(df["close"], 100.0), getattr(ref, fn)(df["close"], 100.0))


def test_bad_input():
    with pytest.raises(TypeError):
        qt.true_range(np.ones(5))
    with pytest.raises(ValueError):
        qt.rolling_mean(pd.Series(np.ones(5)), 0)
    with pytest.raises(TypeError):
        qt.rolling_mean(pd.Series(np.ones(5)), 2.5)
    with pytest.raises(ValueError):
        qt.rolling_mean(np.ones((300, 2)), 14)


@pytest.mark.parametrize("fn,kw", [("rsi", {}), ("rsi", {"window": 5}), ("macd", {}),
                                   ("bollinger_bands", {}), ("returns", {}),
                                   ("log_returns", {}), ("rolling_weighted_mean", {})])
def test_series_functions(backend, real_candles, fn, kw):
    for _, df in _frames(real_candles):
        _eq(getattr(qt, fn)(df["close"], **kw), getattr(ref, fn)(df["close"], **kw))


@pytest.mark.parametrize("fn,kw", [("heikinashi", {}), ("zscore", {}), ("rolling_vwap", {}),
                                   ("rolling_vwap", {"window": 20, "min_periods": 3}),
                                   ("atr", {"exp": True})])
def test_frame_functions(backend, real_candles, fn, kw):
    for _, df in _frames(real_candles):
        _eq(getattr(qt, fn)(df, **kw), getattr(ref, fn)(df, **kw))


def test_vwap_refuses():
    with pytest.raises(ValueError, match="lookahead"):
        qt.vwap(pd.DataFrame({"close": [1.0]}))


@pytest.mark.parametrize("fn,kw", [("wma", {"window": 20}), ("hma", {"window": 16}),
                                   ("hull_moving_average", {"window": 9}),
                                   ("weighted_bollinger_bands", {}), ("roc", {}),
                                   ("zlema", {"window": 21})])
def test_more_series_functions(backend, real_candles, fn, kw):
    for _, df in _frames(real_candles):
        _eq(getattr(qt, fn)(df["close"], **kw), getattr(ref, fn)(df["close"], **kw))


@pytest.mark.parametrize("fn,kw", [("keltner_channel", {}), ("cci", {}), ("stoch", {}),
                                   ("stoch", {"fast": True}), ("pvt", {}), ("chopiness", {})])
def test_more_frame_functions(backend, real_candles, fn, kw):
    for _, df in _frames(real_candles):
        with np.errstate(all="ignore"):
            _eq(getattr(qt, fn)(df, **kw), getattr(ref, fn)(df, **kw))
