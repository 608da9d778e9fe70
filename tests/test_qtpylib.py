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


@pytest.mark.parametrize("fn,kw", [("rsi", {}), ("rsi", {"window": 2}), ("macd", {}),
                                   ("bollinger_bands", {}), ("returns", {}), ("log_returns", {}),
                                   ("rolling_weighted_mean", {}), ("zlema", {"window": 3}),
                                   ("hma", {"window": 4}), ("roc", {})])
@pytest.mark.parametrize("values", [[], [100.0], [np.nan], [100.0, 101.0], [101.0, 100.0],
                                    [100.0, np.nan, 99.0]])
def test_series_functions_on_a_few_rows(backend, fn, kw, values):
    """0 to 3 rows: the same values as technical (its rsi of one row is NaN: a 0/0 seed)."""
    series = pd.Series(values, dtype=np.float64)
    _eq(getattr(qt, fn)(series, **kw), getattr(ref, fn)(series, **kw))


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


def _exact(a, b):
    if isinstance(b, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    else:
        pd.testing.assert_series_equal(a, b, check_exact=True)


_EXACT_CASES = {
    "typical_price": lambda m, df, c: m.typical_price(df),
    "mid_price": lambda m, df, c: m.mid_price(df),
    "true_range": lambda m, df, c: m.true_range(df),
    "atr": lambda m, df, c: m.atr(df, 14),
    "atr_exp": lambda m, df, c: m.atr(df, 10, exp=True),
    "crossed": lambda m, df, c: m.crossed(c, c.shift(3)),
    "crossed_above": lambda m, df, c: m.crossed_above(c, c.shift(2)),
    "crossed_below_scalar": lambda m, df, c: m.crossed_below(c, float(c.median())),
    "crossed_int_scalar": lambda m, df, c: m.crossed(c, int(c.median())),
    "crossed_ndarray": lambda m, df, c: m.crossed(c.to_numpy(), c.shift(1).to_numpy()),
    "crossed_named": lambda m, df, c: m.crossed(c, c.rolling(5).mean()),
    "rolling_mean": lambda m, df, c: m.rolling_mean(c, 20),
    "rolling_mean_long": lambda m, df, c: m.rolling_mean(c, 300),
    "rolling_std": lambda m, df, c: m.rolling_std(c, 20),
    "rolling_std_long": lambda m, df, c: m.rolling_std(c, 130),
    "rolling_min": lambda m, df, c: m.rolling_min(c, 20),
    "rolling_max": lambda m, df, c: m.rolling_max(c, 20, 0),
    "rolling_weighted_mean": lambda m, df, c: m.rolling_weighted_mean(c, 20),
    "wma_float_span": lambda m, df, c: m.wma(c, 7.5, 3),
    "hma": lambda m, df, c: m.hma(c, 20),
    "hma_minp": lambda m, df, c: m.hma(c, 9, 1),
    "hma_float": lambda m, df, c: m.hull_moving_average(c, 7.5, 0),
    "rolling_vwap": lambda m, df, c: m.rolling_vwap(df, 50),
    "rolling_vwap_minp": lambda m, df, c: m.rolling_vwap(df, 20, 0),
    "macd": lambda m, df, c: m.macd(c, 12, 26, 9),
    "macd_default": lambda m, df, c: m.macd(c),
    "macd_float": lambda m, df, c: m.macd(c, 2.5, 7, 1),
    "bollinger_bands": lambda m, df, c: m.bollinger_bands(c, 20, 2),
    "bollinger_bands_w1": lambda m, df, c: m.bollinger_bands(c, 1, 2.5),
    "bollinger_bands_w2": lambda m, df, c: m.bollinger_bands(c, 2, 1.5),
    "bollinger_bands_long": lambda m, df, c: m.bollinger_bands(c, 2000, 2),
    "weighted_bollinger_bands": lambda m, df, c: m.weighted_bollinger_bands(c, 20, 2),
    "keltner_channel": lambda m, df, c: m.keltner_channel(df, 20, 1.5),
    "roc": lambda m, df, c: m.roc(c),
    "roc_negative": lambda m, df, c: m.roc(c, -3),
    "roc_beyond": lambda m, df, c: m.roc(c, len(c) + 5),
    "cci": lambda m, df, c: m.cci(df),
    "stoch": lambda m, df, c: m.stoch(df),
    "stoch_fast": lambda m, df, c: m.stoch(df, 9, 4, 2, fast=True),
    "zlema": lambda m, df, c: m.zlema(c, 20),
    "zlema_minp": lambda m, df, c: m.zlema(c, 8, 2),
    "zlema_short": lambda m, df, c: m.zlema(c, 3),
    "zlema_beyond": lambda m, df, c: m.zlema(c, 2 * len(c) + 9),
    "zscore": lambda m, df, c: m.zscore(df, 30, 2),
    "returns": lambda m, df, c: m.returns(c),
    "log_returns": lambda m, df, c: m.log_returns(c),
    "pvt": lambda m, df, c: m.pvt(df),
    "chopiness": lambda m, df, c: m.chopiness(df),
}


@pytest.mark.parametrize("case", sorted(_EXACT_CASES))
def test_bit_identical(backend, real_candles, case):
    """Every helper returns technical's exact values, index, name and dtype, on a
    DatetimeIndex and on the adversarial series (NaN holes, inf, constant runs)."""
    call = _EXACT_CASES[case]
    for _, df in _frames(real_candles):
        df = df.iloc[:1500].copy()
        df.index = pd.date_range("2024-01-01", periods=len(df), freq="5min", name="date")
        c = df["close"]
        with np.errstate(all="ignore"):
            expected = call(ref, df, c)
            got = call(qt, df, c)
        _exact(got, expected)


def test_heikinashi_bit_identical(backend, real_candles):
    """technical's heikinashi needs the label 0 in the index (a RangeIndex here); on real
    candles and on the adversarial series (NaN, inf, constant runs) every value is its."""
    for _, df in _frames(real_candles):
        with np.errstate(all="ignore"):
            _exact(qt.heikinashi(df), ref.heikinashi(df))


@pytest.mark.parametrize("case", ["typical_price", "true_range", "atr", "rolling_mean",
                                  "rolling_max", "rolling_weighted_mean", "macd", "stoch",
                                  "pvt", "chopiness", "crossed", "roc", "zscore"])
def test_other_dtypes_follow_pandas(backend, case):
    """float32 and int64 columns are answered by technical's own pandas expressions."""
    call = _EXACT_CASES[case]
    rng = np.random.default_rng(5)
    base = 100 + np.cumsum(rng.normal(size=400))
    for dtype in (np.float32, np.int64):
        df = pd.DataFrame({"open": base, "high": base + 1, "low": base - 1, "close": base,
                           "volume": np.full(400, 10.0)}).astype(dtype)
        with np.errstate(all="ignore"):
            _exact(call(qt, df, df["close"]), call(ref, df, df["close"]))


def test_crossed_needs_identical_labels():
    a = pd.Series([1.0, 2.0, 3.0])
    b = pd.Series([2.0, 1.0, 4.0], index=[1, 2, 3])
    with pytest.raises(ValueError):
        ref.crossed(a, b)
    with pytest.raises(ValueError):
        qt.crossed(a, b)


def test_bad_parameters_raise():
    """A span below 1 fails in technical too (its fallback to the removed pd.ewma raises
    AttributeError); here pandas' own ValueError comes through."""
    s = pd.Series(np.linspace(1.0, 2.0, 50))
    for fn, args in (("rolling_weighted_mean", (0.5,)), ("hma", (1,)), ("zlema", (2,))):
        with pytest.raises((ValueError, AttributeError)):
            getattr(ref, fn)(s, *args)
        with pytest.raises(ValueError):
            getattr(qt, fn)(s, *args)
    with pytest.raises(ValueError):
        qt.rolling_max(s, 5, 6)
    with pytest.raises(ValueError):
        qt.rolling_vwap(pd.DataFrame({"high": s, "low": s, "close": s}), 5)


@pytest.mark.parametrize("fn", ["rolling_min", "rolling_max"])
@pytest.mark.parametrize("window,min_periods", [(1, None), (3, 1), (4, 0), (7, None), (64, 2)])
def test_rolling_extremes_ties_and_gaps(backend, fn, window, min_periods):
    """Signed zeros (the later of equal values wins), NaN runs and +-inf (missing)."""
    rng = np.random.default_rng(11)
    values = rng.choice([0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 2.5], size=300)
    s = pd.Series(values, name="x")
    got = getattr(qt, fn)(s, window, min_periods)
    expected = getattr(ref, fn)(s, window, min_periods)
    _exact(got, expected)
    np.testing.assert_array_equal(np.signbit(got.to_numpy()), np.signbit(expected.to_numpy()))
