"""ftaccel.metrics against freqtrade.data.metrics, on generated and real-derived trades."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from freqtrade.data import metrics as ft
from hypothesis import given, settings
from hypothesis import strategies as st
from util import assert_close

import ftaccel.metrics as fm
from ftaccel import _backend


def make_trades(profits, minutes, ratio=None):
    start = pd.Timestamp("2024-01-01", tz="UTC")
    return pd.DataFrame({
        "pair": "ETH/BTC",
        "close_date": start + pd.to_timedelta(np.asarray(minutes, dtype=np.int64), unit="min"),
        "profit_abs": np.asarray(profits, dtype=float),
        "profit_ratio": np.asarray(ratio if ratio is not None else profits, dtype=float) / 100,
    })


def same_result(ours, theirs):
    a, b = dataclasses.asdict(ours), dataclasses.asdict(theirs)
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(y, pd.Timestamp) or y is None:
            assert x == y, key
        elif np.isnan(y):
            assert np.isnan(x), key
        else:
            assert x == pytest.approx(y, rel=1e-12, abs=1e-12), key


profit_values = st.one_of(
    st.floats(-1e3, 1e3, allow_nan=False), st.just(0.0),
    st.floats(-1e-9, 1e-9, allow_nan=False), st.floats(-1e9, 1e9, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(profits=st.lists(profit_values, min_size=1, max_size=40), data=st.data(),
       starting_balance=st.sampled_from([0, 0.0, 1000, 10.5, 1e7]), relative=st.booleans())
def test_max_drawdown_matches_freqtrade(profits, data, starting_balance, relative):
    n = len(profits)
    minutes = data.draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))  # ties, unsorted
    trades = make_trades(profits, minutes)
    try:
        expected = ft.calculate_max_drawdown(trades, starting_balance=starting_balance,
                                             relative=relative)
    except Exception as exc:
        with pytest.raises(type(exc)):
            fm.calculate_max_drawdown(trades, starting_balance=starting_balance,
                                      relative=relative)
        return
    for backend in ("compiled", "numpy"):
        _backend.set_backend(backend, "metrics")
        try:
            got = fm.calculate_max_drawdown(trades, starting_balance=starting_balance,
                                            relative=relative)
        finally:
            _backend.set_backend("compiled", "metrics")
        same_result(got, expected)


def test_max_drawdown_all_wins_all_losses_and_other_columns(backend):
    for profits in ([1.0, 2.0, 3.0], [-1.0, -2.0, -0.5], [0.0, 0.0], [5.0]):
        trades = make_trades(profits, range(len(profits)))
        for kwargs in ({}, {"starting_balance": 100}, {"relative": True},
                       {"value_col": "profit_ratio", "date_col": "close_date"}):
            same_result(fm.calculate_max_drawdown(trades, **kwargs),
                        ft.calculate_max_drawdown(trades, **kwargs))


def test_max_drawdown_on_real_candle_trades(backend, real_candles):
    """Trades from a simple rule on each real pair: buy every 12th candle, sell 6 later."""
    for frame in real_candles.values():
        close = frame["close"].to_numpy()
        entries = np.arange(0, len(close) - 6, 12)
        ratio = close[entries + 6] / close[entries] - 1
        trades = pd.DataFrame({"close_date": frame["date"].to_numpy()[entries + 6],
                               "profit_abs": ratio * 0.01, "profit_ratio": ratio})
        for kwargs in ({}, {"starting_balance": 0.05}, {"starting_balance": 0.05,
                                                         "relative": True}):
            same_result(fm.calculate_max_drawdown(trades, **kwargs),
                        ft.calculate_max_drawdown(trades, **kwargs))


def test_max_drawdown_errors_match_freqtrade():
    empty = make_trades([], [])
    with pytest.raises(ValueError, match="Trade dataframe empty."):
        ft.calculate_max_drawdown(empty)
    with pytest.raises(ValueError, match="Trade dataframe empty."):
        fm.calculate_max_drawdown(empty)
    trades = make_trades([1.0], [0])
    for kwargs in ({"value_col": "nope"}, {"date_col": "nope"}):
        with pytest.raises(KeyError):
            ft.calculate_max_drawdown(trades, **kwargs)
        with pytest.raises(KeyError):
            fm.calculate_max_drawdown(trades, **kwargs)
    with pytest.raises(TypeError):
        fm.calculate_max_drawdown(trades, 0)  # keyword-only, as in Freqtrade


@settings(max_examples=200, deadline=None)
@given(profit=st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(np.nan)), max_size=60),
       starting_balance=st.sampled_from([0.0, 1.0, 1e4]))
def test_drawdown_series_compiled_equals_fallback(profit, starting_balance):
    x = np.array(profit, dtype=float)
    _backend.set_backend("numpy", "metrics")
    try:
        slow = fm.drawdown_series(x, starting_balance)
    finally:
        _backend.set_backend("compiled", "metrics")
    fast = fm.drawdown_series(x, starting_balance)
    for f, s in zip(fast, slow):
        assert_close(f, s, rtol=1e-12)


def test_drawdown_series_bad_input(backend):
    with pytest.raises(ValueError, match="profit"):
        fm.drawdown_series(np.ones((2, 2)))
    with pytest.raises(TypeError, match="profit"):
        fm.drawdown_series("abc")
    with pytest.raises(ValueError, match="starting_balance"):
        fm.drawdown_series(np.ones(3), np.nan)
    out = fm.drawdown_series(np.array([], dtype=np.int64))
    assert all(a.shape == (1,) and a[0] == 0 for a in out)


def close(x, y):
    if np.isnan(y):
        return np.isnan(x)
    return x == pytest.approx(y, rel=1e-12, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(profits=st.lists(profit_values, min_size=0, max_size=40),
       starting_balance=st.sampled_from([0, 0.0, 1000, 10.5]))
def test_csum_and_expectancy_match_freqtrade(profits, starting_balance):
    trades = make_trades(profits, range(len(profits)))
    for backend in ("compiled", "numpy"):
        _backend.set_backend(backend, "metrics")
        try:
            got_e = fm.calculate_expectancy(trades)
            if len(profits) == 0:
                with pytest.raises(ValueError, match="Trade dataframe empty."):
                    fm.calculate_csum(trades, starting_balance)
                got_c = None
            else:
                got_c = fm.calculate_csum(trades, starting_balance)
        finally:
            _backend.set_backend("compiled", "metrics")
        exp_e = ft.calculate_expectancy(trades)
        assert all(close(a, b) for a, b in zip(got_e, exp_e))
        if got_c is not None:
            exp_c = ft.calculate_csum(trades, starting_balance)
            assert all(close(a, b) for a, b in zip(got_c, exp_c))


def test_csum_expectancy_edge_cases(backend):
    for profits in ([1.0, 2.0], [-1.0, -2.0], [0.0, 0.0], [5.0], [np.nan, 1.0, -1.0]):
        trades = make_trades(profits, range(len(profits)))
        assert all(close(a, b) for a, b in zip(fm.calculate_expectancy(trades),
                                                ft.calculate_expectancy(trades)))
        assert all(close(a, b) for a, b in zip(fm.calculate_csum(trades, 3),
                                                ft.calculate_csum(trades, 3)))


@settings(max_examples=150, deadline=None)
@given(days=st.integers(-3, 5000), start=st.floats(-10, 1e6), final=st.floats(-10, 1e9))
def test_cagr_matches_freqtrade(days, start, final):
    got, exp = fm.calculate_cagr(days, start, final), ft.calculate_cagr(days, start, final)
    assert type(got) is type(exp)
    assert close(got, exp)
    assert fm.calculate_cagr(1, 1e-300, 1e300) == ft.calculate_cagr(1, 1e-300, 1e300)


@settings(max_examples=150, deadline=None)
@given(profits=st.lists(profit_values, min_size=0, max_size=40),
       starting_balance=st.sampled_from([1000, 10.5, 0.5]), days=st.integers(0, 400),
       backend_name=st.sampled_from(["compiled", "numpy"]))
def test_sqn_sharpe_sortino_match_freqtrade(profits, starting_balance, days, backend_name):
    trades = make_trades(profits, range(len(profits)))
    lo = pd.Timestamp("2024-01-01", tz="UTC")
    hi = lo + pd.Timedelta(days=days, hours=1)
    _backend.set_backend(backend_name, "metrics")
    try:
        got, exp = fm.calculate_sqn(trades, starting_balance), ft.calculate_sqn(
            trades, starting_balance)
        assert type(got) is type(exp) and close(got, exp)
        for name in ("calculate_sharpe", "calculate_sortino"):
            for dates in ((lo, hi), (lo, lo), (None, hi)):
                got = getattr(fm, name)(trades, *dates, starting_balance)
                exp = getattr(ft, name)(trades, *dates, starting_balance)
                assert type(got) is type(exp) and close(got, exp), name
    finally:
        _backend.set_backend("compiled", "metrics")


@settings(max_examples=120, deadline=None)
@given(profits=st.lists(profit_values, min_size=0, max_size=30), data=st.data(),
       starting_balance=st.sampled_from([0, 0.0, 1000, 10.5]),
       backend_name=st.sampled_from(["compiled", "numpy"]))
def test_underwater_and_calmar_match_freqtrade(profits, data, starting_balance, backend_name):
    n = len(profits)
    minutes = data.draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    trades = make_trades(profits, minutes)
    lo = pd.Timestamp("2024-01-01", tz="UTC")
    _backend.set_backend(backend_name, "metrics")
    try:
        if n == 0:
            with pytest.raises(ValueError, match="Trade dataframe empty."):
                fm.calculate_underwater(trades)
        else:
            with np.errstate(all="ignore"):
                exp = ft.calculate_underwater(trades, starting_balance=starting_balance)
            got = fm.calculate_underwater(trades, starting_balance=starting_balance)
            pd.testing.assert_frame_equal(got, exp, rtol=1e-12, atol=1e-12)
        if starting_balance:
            for hi in (lo, lo + pd.Timedelta(days=3)):
                got = fm.calculate_calmar(trades, lo, hi, starting_balance)
                exp = ft.calculate_calmar(trades, lo, hi, starting_balance)
                assert type(got) is type(exp) and close(got, exp)
    finally:
        _backend.set_backend("compiled", "metrics")
