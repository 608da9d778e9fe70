"""ftaccel.ta against TA-Lib: every function x every backend x real and adversarial data,
its interface (names, defaults, lookback), both call forms, and the bad-input matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import talib
import talib.abstract
from conftest import adversarial_series
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from util import assert_close

import ftaccel.ta as ta
from ftaccel import _backend

FUNCS = ta.FUNCTIONS
IDS = [f.name for f in FUNCS]


def param_cases(ind):
    """Defaults, then each parameter at its minimum, minimum + 1 and a long period."""
    base = {p.name: p.default for p in ind.params}
    cases = [dict(base)]
    for p in ind.params:
        values = (p.lo, p.lo + 1, 200) if p.kind == "int" else (0.0, 0.5, 1.5, -1.0, 3.0)
        for value in values:
            if p.lo <= value <= p.hi and value != p.default:
                cases.append({**base, p.name: value})
    cases += matype_cases(ind, base)
    return cases


def matype_cases(ind, base):
    """Every moving-average type (TA-Lib's MA_Type 0..13) for each ``*matype`` parameter,
    at a short and at the default period (the period is what most types depend on)."""
    cases = []
    for p in ind.params:
        if not p.name.endswith("matype"):
            continue
        for value in range(p.lo, p.hi + 1):
            if value != p.default:
                cases.append({**base, p.name: value})
            if "timeperiod" in base and base["timeperiod"] != 5:
                cases.append({**base, p.name: value, "timeperiod": 5})
    return cases


def inputs_from(frame_or_series, ind):
    """The function's input arrays taken from an OHLCV frame (or built from one series)."""
    if isinstance(frame_or_series, pd.DataFrame):
        return [frame_or_series[col].to_numpy(dtype=float) for _, col in ind.inputs]
    x = frame_or_series
    derived = {"close": x, "open": np.roll(x, 1), "high": x * 1.01, "low": x * 0.99,
               "volume": np.abs(x) * 10}
    return [derived[col].astype(float) for _, col in ind.inputs]


def reference(ind, arrays, params):
    return getattr(talib, ind.name)(*arrays, **params)


def check(ind, arrays, params, what):
    try:
        expected = reference(ind, arrays, params)
    except Exception as exc:  # TA-Lib refuses: so must we, with a clear error
        with pytest.raises((ValueError, TypeError)):
            getattr(ta, ind.name)(*arrays, **params)
        return exc
    got = getattr(ta, ind.name)(*arrays, **params)
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for name, g, e in zip(ind.outputs, got, expected):
            assert_close(g, e, what=f"{what} {name}")
    else:
        assert_close(got, expected, what=what)


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_real_candles_match_talib(ind, backend, real_candles):
    for pair, frame in real_candles.items():
        arrays = inputs_from(frame, ind)
        for params in param_cases(ind):
            check(ind, arrays, params, f"{ind.name} {pair} {params} [{backend}]")


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_adversarial_series_match_talib(ind, backend):
    for seed in range(3):
        for kind, x in adversarial_series(seed).items():
            arrays = inputs_from(x, ind)
            for params in param_cases(ind):
                check(ind, arrays, params, f"{ind.name} {kind} {params} [{backend}]")


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_edge_lengths_match_talib(ind, backend):
    """Empty, all-NaN, shorter than the lookback, exactly the lookback, one more."""
    lb = ta.lookback(ind.name)
    rng = np.random.default_rng(1)
    for n in (0, 1, 2, lb, lb + 1, lb + 2):
        x = 100 + rng.random(n)
        check(ind, inputs_from(x, ind), {}, f"{ind.name} n={n}")
    check(ind, inputs_from(np.full(50, np.nan), ind), {}, f"{ind.name} all NaN")
    inf = 100 + rng.random(60)
    inf[[20, 41]] = [np.inf, -np.inf]
    check(ind, inputs_from(inf, ind), {}, f"{ind.name} inf")


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_interface_matches_talib(ind):
    ref = talib.abstract.Function(ind.name)
    assert list(ref.info["parameters"]) == [p.name for p in ind.params]
    assert [ref.info["parameters"][p.name] for p in ind.params] == [p.default for p in ind.params]
    assert list(ref.info["output_names"]) == list(ind.outputs)
    columns = []
    for value in ref.input_names.values():
        columns += value if isinstance(value, list) else [value]
    assert columns == [col for _, col in ind.inputs]
    for params in param_cases(ind):
        ref.set_parameters(params)
        assert ta.lookback(ind.name, **params) == ref.lookback, params


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_parameter_bounds_match_talib(ind):
    x = inputs_from(100 + np.random.default_rng(2).random(300), ind)
    for p in ind.params:
        if p.kind == "float":
            for bad in (p.lo - abs(p.lo) - 1, p.hi + abs(p.hi) + 1):
                with pytest.raises(Exception):  # noqa: B017 - TA-Lib raises a bare Exception
                    reference(ind, x, {p.name: bad})
            for bad in (p.lo - abs(p.lo) - 1, p.hi + abs(p.hi) + 1, np.nan, np.inf):
                with pytest.raises(ValueError, match=p.name):
                    getattr(ta, ind.name)(*x, **{p.name: bad})
            for bad in ("14", None, [3]):
                with pytest.raises(TypeError, match=p.name):
                    getattr(ta, ind.name)(*x, **{p.name: bad})
            check(ind, x, {p.name: -4e37}, f"{ind.name} {p.name}=TA_REAL_DEFAULT")
            continue
        for bad in (p.lo - 1, p.hi + 1, -5):
            if p.lo <= bad <= p.hi:
                continue
            with pytest.raises(Exception):  # noqa: B017 - TA-Lib raises a bare Exception
                reference(ind, x, {p.name: bad})
            with pytest.raises(ValueError, match=p.name):
                getattr(ta, ind.name)(*x, **{p.name: bad})
        for bad in (2.5, "14", None, [3]):
            with pytest.raises(TypeError, match=p.name):
                getattr(ta, ind.name)(*x, **{p.name: bad})
        # whole floats and TA-Lib's INT_MIN "default" marker are accepted as TA-Lib does
        for ok in (float(max(p.lo, min(3, p.hi))), -(2**31)):
            check(ind, x, {p.name: ok}, f"{ind.name} {p.name}={ok}")


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_input_coercion(ind, backend):
    """int, float32, lists, read-only and strided arrays give the float64 answer."""
    rng = np.random.default_rng(3)
    base = [np.ascontiguousarray(a) for a in inputs_from(100 + rng.random(240), ind)]
    expected = getattr(ta, ind.name)(*base)
    as_int = [np.round(a * 1000).astype(np.int64) for a in base]
    variants = {
        "int64": (as_int, [a.astype(float) for a in as_int]),
        "int32": ([a.astype(np.int32) for a in as_int], [a.astype(float) for a in as_int]),
        "float32": ([a.astype(np.float32) for a in base],
                    [a.astype(np.float32).astype(float) for a in base]),
        "list": ([list(a) for a in base], base),
        "tuple": ([tuple(a) for a in base], base),
    }
    for name, (given_, same_as) in variants.items():
        assert_close(_first(getattr(ta, ind.name)(*given_)),
                     _first(talib_or_ours(ind, same_as)), what=f"{ind.name} {name}")
    readonly = [a.copy() for a in base]
    for a in readonly:
        a.setflags(write=False)
    assert_close(_first(getattr(ta, ind.name)(*readonly)), _first(expected), what="read-only")
    wide = [np.repeat(a, 2) for a in base]
    strided = [w[::2] for w in wide]
    assert not strided[0].flags.c_contiguous
    assert_close(_first(getattr(ta, ind.name)(*strided)), _first(expected), what="strided")
    rev = [a[::-1] for a in base]
    assert_close(_first(getattr(ta, ind.name)(*rev)),
                 _first(talib_or_ours(ind, [np.ascontiguousarray(a) for a in rev])),
                 what="reversed view")


def _first(result):
    return result[0] if isinstance(result, tuple) else result


def talib_or_ours(ind, arrays):
    return reference(ind, [np.ascontiguousarray(a, dtype=float) for a in arrays], {})


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_bad_inputs_raise_clear_errors(ind, backend):
    good = inputs_from(100 + np.random.default_rng(4).random(50), ind)
    first = ind.inputs[0][0]
    cases = {
        "2-D": (np.ones((5, 10)), ValueError),
        "strings": (np.array(["a"] * 50), TypeError),
        "None": (None, TypeError),
        "scalar": (3.0, TypeError),
        "complex": (np.ones(50, dtype=complex), TypeError),
        "dict": ({"a": 1}, ValueError),
        "datetimes": (np.arange(50).astype("datetime64[s]"), TypeError),
    }
    for what, (bad, exc) in cases.items():
        args = [bad] + good[1:]
        if what == "dict" and len(ind.inputs) > 0:
            exc = ValueError  # a mapping is the DataFrame form: missing columns
        with pytest.raises(exc, match=first if what not in ("dict",) else "column"):
            getattr(ta, ind.name)(*args)
    if len(good) > 1:
        with pytest.raises(ValueError, match="different lengths"):
            getattr(ta, ind.name)(good[0], *[g[:-1] for g in good[1:]])
    with pytest.raises(TypeError):
        getattr(ta, ind.name)(*good, nonsense=3)
    with pytest.raises(TypeError):
        getattr(ta, ind.name)(*good, *range(2, 2 + len(ind.params) + 1))


ODD_INDEXES = {
    "strings": lambda n: pd.Index([f"r{i}" for i in range(n)]),
    "reversed ints": lambda n: pd.Index(np.arange(n)[::-1] * 3),
    "duplicates": lambda n: pd.Index(np.arange(n) // 2),
    "tz datetimes": lambda n: pd.date_range("2024-01-01", periods=n, freq="5min", tz="UTC"),
}


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_series_in_series_out(ind, backend):
    arrays = inputs_from(100 + np.random.default_rng(5).random(80), ind)
    expected = getattr(ta, ind.name)(*arrays)
    for label, make in ODD_INDEXES.items():
        index = make(80)
        series = [pd.Series(a, index=index) for a in arrays]
        got = getattr(ta, ind.name)(*series)
        ref = getattr(talib, ind.name)(*series)
        for g, e, r in zip(_tuple(got), _tuple(expected), _tuple(ref)):
            assert isinstance(g, pd.Series), label
            assert g.index.equals(index) and g.index.equals(r.index), label
            assert_close(g.to_numpy(), e, what=label)


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def test_series_fast_path_edges(backend):
    """Float64 Series take the fast path; mixed, strided, named or non-float Series give
    the same values, the first Series' index and fresh arrays (the inputs never change)."""
    rng = np.random.default_rng(8)
    close = 100 + np.cumsum(rng.normal(size=300))
    high, low = close + 1, close - 1
    index = pd.date_range("2024-01-01", periods=300, freq="5min", name="date")
    expected = ta.ATR(high, low, close, 14)
    ref = talib.ATR(pd.Series(high, index=index), pd.Series(low, index=index),
                    pd.Series(close, index=index), 14)
    variants = {
        "series": [pd.Series(a, index=index, name="x") for a in (high, low, close)],
        "mixed": [pd.Series(high, index=index), low, pd.Series(close)],
        "strided": [pd.Series(np.repeat(a, 2)[::2], index=index) for a in (high, low, close)],
        "float32": [pd.Series(a.astype(np.float32), index=index) for a in (high, low, close)],
    }
    for label, args in variants.items():
        before = [a.copy() for a in args]
        got = ta.ATR(*args, 14)
        assert isinstance(got, pd.Series) and got.name is None, label
        assert got.index.equals(index) and got.index.equals(ref.index), label
        tol = 1e-5 if label == "float32" else 1e-12
        np.testing.assert_allclose(got.to_numpy(), expected, rtol=tol, equal_nan=True)
        got.iloc[20] = -1.0  # writing the result leaves the inputs alone
        for a, b in zip(args, before):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    upper, middle, lower = ta.BBANDS(pd.Series(close, index=index), 20)
    assert all(o.index.equals(index) for o in (upper, middle, lower))
    assert not np.shares_memory(upper.to_numpy(), lower.to_numpy())


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
def test_dataframe_form_matches_talib_abstract(ind, backend, real_candles):
    frame = next(iter(real_candles.values())).iloc[:1500].copy()
    frame.index = pd.RangeIndex(1000, 1000 + len(frame))
    got = getattr(ta, ind.name)(frame)
    expected = getattr(talib.abstract, ind.name)(frame)
    if len(ind.outputs) == 1:
        assert isinstance(got, pd.Series) and got.index.equals(frame.index)
        assert got.dtype == expected.dtype and got.name == expected.name
        assert_close(got.to_numpy(), expected.to_numpy(), what="frame form")
    else:
        assert isinstance(got, pd.DataFrame) and list(got.columns) == list(ind.outputs)
        pd.testing.assert_index_equal(got.columns, expected.columns)
        pd.testing.assert_index_equal(got.index, expected.index)
        assert got.dtypes.equals(expected.dtypes)
        assert_close(got.to_numpy(), expected.to_numpy(), what="frame form")
        got["extra"] = 1.0  # an ordinary frame: takes a column, the first one untouched
        assert_close(got.iloc[:, 0].to_numpy(), expected.iloc[:, 0].to_numpy(), what="frame")
    if ind.params:  # positional and keyword parameters in the frame form
        p = ind.params[0]
        value = max(p.lo, 3)
        if p.kind == "float":  # talib.abstract refuses an int for a float parameter
            value = float(max(p.lo, 0.1))
        got_kw = getattr(ta, ind.name)(frame, **{p.name: value})
        got_pos = getattr(ta, ind.name)(frame, value)
        expected = getattr(talib.abstract, ind.name)(frame, **{p.name: value})
        assert_close(np.asarray(got_kw), np.asarray(expected), what="frame kw")
        assert_close(np.asarray(got_pos), np.asarray(expected), what="frame positional")
    arrays = {c: frame[c].to_numpy() for c in ("open", "high", "low", "close", "volume")}
    dict_result = getattr(ta, ind.name)(arrays)
    assert isinstance(_first(dict_result), np.ndarray)
    if ind.inputs == (("real", "close"),):
        got_open = getattr(ta, ind.name)(frame, price="open")
        expected = getattr(talib.abstract, ind.name)(frame, price="open")
        assert_close(got_open.to_numpy(), expected.to_numpy(), what="price=open")
    with pytest.raises(ValueError, match="column"):
        getattr(ta, ind.name)(frame.drop(columns=[ind.inputs[0][1]]))


# Oscillators bounded by ±100: a value near 0 is a difference of two nearly equal running
# averages, so the fallback's (pandas ewm) and the kernel's (TA-Lib's) rounding differ
# there by ~1e-16 of the range, not of the value.
BOUNDED_100 = {"RSI", "CMO", "STOCH", "STOCHF", "STOCHRSI", "WILLR", "MFI", "ADX", "ADXR",
               "DX", "PLUS_DI", "MINUS_DI", "AROON", "AROONOSC", "ULTOSC"}

# Differences of two averages of the input (MACD line, histogram, APO): near 0 they keep
# the rounding of the input's magnitude, ~1e-16 of the prices, not of the value.
PRICE_DIFFERENCE = {"MACD", "MACDEXT", "MACDFIX", "APO"}

finite_or_nan = st.floats(allow_nan=True, allow_infinity=True, width=64,
                          min_value=None, max_value=None)


@pytest.mark.parametrize("ind", FUNCS, ids=IDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_compiled_equals_fallback_hypothesis(ind, data):
    n = data.draw(st.integers(0, 70))
    elements = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(np.nan),
                         st.just(np.inf), st.just(-np.inf), st.just(0.0))
    arrays = [data.draw(hnp.arrays(np.float64, n, elements=elements)) for _ in ind.inputs]
    params = {p.name: (data.draw(st.integers(p.lo, min(p.hi, 40))) if p.kind == "int"
                       else data.draw(st.floats(max(p.lo, -5.0), min(p.hi, 5.0))))
              for p in ind.params}
    fam = _backend.family("indicators")
    saved = fam.backend
    try:
        fam.set("compiled")
        fast = _tuple(getattr(ta, ind.name)(*arrays, **params))
        fam.set("numpy")
        slow = _tuple(getattr(ta, ind.name)(*arrays, **params))
    finally:
        fam.set(saved)
    scale = 100.0 if ind.name in BOUNDED_100 else 0.0
    if ind.name in PRICE_DIFFERENCE:  # 1e-13 of the inputs' magnitude (rtol * scale)
        finite = [np.abs(a[np.isfinite(a)]) for a in arrays]
        scale = max((float(a.max()) for a in finite if a.size), default=0.0) * 1e-6
    for f, s in zip(fast, slow):
        assert_close(f, s, rtol=1e-7, what=f"{ind.name} {params}", scale=scale)


@pytest.mark.parametrize("backend_name", ["compiled", "numpy"])
def test_macd_signalperiod_1_is_the_macd_line(backend_name):
    """TA-Lib's EMA of period 1 returns its input, so MACD's signal equals the MACD line
    exactly (a (m - s) * 1 + s step would round differently on some inputs)."""
    rng = np.random.default_rng(11)
    x = 100 + np.cumsum(rng.normal(0, 1, 50_000))
    x[rng.integers(0, x.size, 200)] *= rng.uniform(0.01, 100, 200)  # spikes
    _backend.set_backend(backend_name, "indicators")
    try:
        for got, want in ((ta.MACD(x, 12, 26, 1), talib.MACD(x, 12, 26, 1)),
                          (ta.MACDFIX(x, 1), talib.MACDFIX(x, 1))):
            np.testing.assert_array_equal(want[1], want[0])  # the reference's behaviour
            np.testing.assert_array_equal(got[1], got[0])
            assert_close(got[0], want[0])
            np.testing.assert_array_equal(got[2], want[2])
    finally:
        _backend.set_backend("compiled", "indicators")


@pytest.mark.parametrize("period", [2, 14, 30])
def test_willr_bit_identical_to_talib(backend, real_candles, period):
    """WILLR divides in TA-Lib 0.8's order, ``(hh - close) / range * -100``: every value
    equals TA-Lib's to the last bit (compiled and fallback)."""
    assert real_candles
    for pair, frame in real_candles.items():
        h, lo, c = (frame[k].to_numpy(np.float64) for k in ("high", "low", "close"))
        assert np.array_equal(ta.WILLR(h, lo, c, period), talib.WILLR(h, lo, c, period),
                              equal_nan=True), (pair, period)
