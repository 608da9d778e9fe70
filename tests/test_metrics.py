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


def test_max_drawdown_negative_zero_peak(backend):
    """A -0.0 running peak: Freqtrade's np.maximum(0, peak) gives +0.0, so the relative
    drawdown of a later loss with starting_balance 0 is +inf, not -inf."""
    trades = make_trades([-0.0, 0.0, -1.0], [0, 0, 0])
    for relative in (False, True):
        same_result(fm.calculate_max_drawdown(trades, relative=relative),
                    ft.calculate_max_drawdown(trades, relative=relative))
    pd.testing.assert_frame_equal(fm.calculate_underwater(trades, value_col="profit_abs"),
                                  ft.calculate_underwater(trades, value_col="profit_abs"))


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
        assert all(close(a, b) and type(a) is type(b) for a, b in zip(got_e, exp_e))
        if got_c is not None:
            exp_c = ft.calculate_csum(trades, starting_balance)
            assert all(close(a, b) and type(a) is type(b) for a, b in zip(got_c, exp_c))


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


# sizes around the pairwise-sum tree: a leaf (< 8, <= 128 values), the deepest range the
# heap-free levels take (7,688) and beyond it (explicit stack), and a large run
TREE_SIZES = (1, 7, 8, 9, 128, 129, 249, 1000, 7688, 7689, 30_000, 100_003)


@pytest.mark.parametrize("backend_name", ["compiled", "numpy"])
@pytest.mark.parametrize("n", TREE_SIZES)
def test_per_trade_ratios_bit_identical_to_freqtrade(n, backend_name):
    """Sharpe, Sortino, SQN, expectancy and Calmar equal Freqtrade's to the last bit."""
    rng = np.random.default_rng(n)
    profit = rng.normal(0.3, 20, n) * 10.0 ** rng.integers(-5, 5, n)
    if n > 8:
        profit[rng.integers(0, n, n // 8)] = np.nan
        profit[rng.integers(0, n, n // 16)] = 0.0
    trades = make_trades(profit, np.arange(n) // 3)
    lo = pd.Timestamp("2024-01-01", tz="UTC")
    hi = lo + pd.Timedelta(days=40, hours=5)
    _backend.set_backend(backend_name, "metrics")
    try:
        for sb in (1000.0, 777.7, 3, 0):  # 0: infinite / NaN returns, as pandas
            for name in ("calculate_sharpe", "calculate_sortino", "calculate_calmar"):
                with np.errstate(all="ignore"):
                    got = getattr(fm, name)(trades, lo, hi, sb)
                    exp = getattr(ft, name)(trades, lo, hi, sb)
                assert type(got) is type(exp) and (got == exp or (np.isnan(got) and np.isnan(
                    exp))), (name, sb, got, exp)
            with np.errstate(all="ignore"):
                got, exp = fm.calculate_sqn(trades, sb), ft.calculate_sqn(trades, sb)
            assert got == exp or (np.isnan(got) and np.isnan(exp)), (sb, got, exp)
        assert fm.calculate_expectancy(trades) == ft.calculate_expectancy(trades)
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


# -- the whole surface of freqtrade.data.metrics -------------------------------------------
def test_every_public_freqtrade_function_is_provided():
    import inspect

    public = [name for name, obj in inspect.getmembers(ft, inspect.isfunction)
              if obj.__module__ == ft.__name__ and not name.startswith("_")]
    assert len(public) >= 19
    for name in public:
        ours = getattr(fm, name)
        assert name in fm.FUNCTIONS, name
        theirs = inspect.signature(getattr(ft, name)).parameters.values()
        mine = inspect.signature(ours).parameters.values()
        assert [(p.name, p.kind, p.default) for p in mine] == [
            (p.name, p.kind, p.default) for p in theirs], name
    assert [f.name for f in dataclasses.fields(fm.DrawDownResult)] == [
        f.name for f in dataclasses.fields(ft.DrawDownResult)]


def outcome(func, *args, **kwargs):
    """("ok", result) or ("raise", exception type, message)."""
    try:
        with np.errstate(all="ignore"):
            return ("ok", func(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - the type and message are compared
        return ("raise", type(exc), str(exc))


def both_backends(func, *args, **kwargs):
    """Outcome on the compiled backend, after checking the fallback gives the same."""
    results = []
    for name in ("compiled", "numpy"):
        _backend.set_backend(name, "metrics")
        try:
            results.append(outcome(func, *args, **kwargs))
        finally:
            _backend.set_backend("compiled", "metrics")
    fast, slow = results
    same_outcome(fast, slow)
    return fast


def same_outcome(got, exp):
    assert got[0] == exp[0], (got, exp)
    if got[0] == "raise":
        assert got[1:] == exp[1:]
        return
    x, y = got[1], exp[1]
    if dataclasses.is_dataclass(y):
        same_result(x, y)
    elif isinstance(y, pd.DataFrame):
        pd.testing.assert_frame_equal(x, y, rtol=1e-12, atol=1e-12)
    else:
        assert type(x) is type(y), (x, y)
        assert close(x, y), (x, y)


# -- balance histories ---------------------------------------------------------------------
balance_values = st.one_of(
    st.floats(0, 1e4, allow_nan=False), st.just(np.nan), st.just(0.0), st.just(1000.0),
    st.floats(1e-9, 1e-6), st.floats(1e8, 1e12), st.floats(-100, 100, allow_nan=False))


def make_balance(minutes, values, tz="UTC", unit="ns", nat=()):
    start = pd.Timestamp("2024-03-28")
    dates = pd.Series(start + pd.to_timedelta(np.asarray(minutes, dtype=np.int64), unit="min"))
    dates = dates.dt.as_unit(unit)
    if tz:  # instants in UTC shown in tz: no nonexistent local times across a DST change
        dates = dates.dt.tz_localize("UTC").dt.tz_convert(tz)
    dates = dates.astype(object).where(~np.isin(np.arange(len(dates)), list(nat)), pd.NaT)
    dates = pd.to_datetime(dates).dt.as_unit(unit) if len(dates) else dates.astype(
        f"datetime64[{unit}]" if not tz else f"datetime64[{unit}, {tz}]")
    return pd.DataFrame({"date": dates, "total_quote": np.asarray(values, dtype=float),
                         "other": 1})


BALANCE_FUNCS = ("calculate_sharpe_from_balance", "calculate_sortino_from_balance",
                 "calculate_calmar_from_balance", "calculate_max_drawdown_from_balance")


@settings(max_examples=250, deadline=None)
@given(values=st.lists(balance_values, min_size=0, max_size=30), data=st.data(),
       tz=st.sampled_from(["UTC", None, "Europe/Berlin"]),
       unit=st.sampled_from(["ns", "us", "s"]), relative=st.booleans())
def test_balance_functions_match_freqtrade(values, data, tz, unit, relative):
    n = len(values)
    # within an hour, a day, up to 9 and up to 60 days (most with enough days for returns)
    span = data.draw(st.sampled_from([60, 60 * 24, 60 * 24 * 9, 60 * 24 * 60, 60 * 24 * 60]))
    minutes = data.draw(st.lists(st.integers(0, span), min_size=n, max_size=n))
    if data.draw(st.booleans()):  # a wallet-like walk around 1e4, NaN snapshots kept
        x = np.asarray(values, dtype=float)
        values = list(np.where(np.isnan(x), np.nan, 1e4 + np.cumsum(np.nan_to_num(x) % 200
                                                                    - 100)))
    nat = data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=2)) if n else set()
    history = make_balance(minutes, values, tz, unit, nat)
    for name in BALANCE_FUNCS:
        kwargs = {"relative": relative} if name.startswith("calculate_max") else {}
        exp = outcome(getattr(ft, name), history, **kwargs)
        same_outcome(both_backends(getattr(fm, name), history, **kwargs), exp)


def test_balance_functions_edge_cases(backend):
    rising = make_balance([0, 1440, 2880, 4320], [100.0, 110.0, 121.0, 133.1])
    falling = make_balance([0, 1440, 2880], [100.0, 90.0, 80.0])
    flat = make_balance([0, 1440, 2880], [100.0, 100.0, 100.0])
    zero_start = make_balance([0, 1440, 2880], [0.0, 10.0, 5.0])
    one_day = make_balance([0, 10, 20], [100.0, 90.0, 95.0])
    single = make_balance([0], [100.0])
    empty = make_balance([], [])
    frames = (rising, falling, flat, zero_start, one_day, single, empty,
              rising.drop(columns="total_quote"), rising.rename(columns={"date": "when"}))
    for frame in frames:
        for name in BALANCE_FUNCS:
            same_outcome(outcome(getattr(fm, name), frame),
                         outcome(getattr(ft, name), frame))
    custom = rising.rename(columns={"date": "d", "total_quote": "b"})
    for name in BALANCE_FUNCS:
        same_outcome(outcome(getattr(fm, name), custom, date_col="d", balance_col="b"),
                     outcome(getattr(ft, name), custom, date_col="d", balance_col="b"))
    with pytest.raises(ValueError, match="Balance-history dataframe empty."):
        fm.calculate_max_drawdown_from_balance(single)


# -- p-value -----------------------------------------------------------------------------
@settings(max_examples=250, deadline=None)
@given(profits=st.lists(st.one_of(profit_values, st.just(np.nan)), min_size=0, max_size=40),
       starting_balance=st.sampled_from([1000, 10.5, 0.5, 1e-6]))
def test_p_value_matches_freqtrade(profits, starting_balance):
    from scipy import stats

    trades = make_trades(profits, range(len(profits)))
    exp = outcome(ft.calculate_p_value, trades, starting_balance)
    got = both_backends(fm.calculate_p_value, trades, starting_balance)
    assert got[0] == exp[0] == "ok"
    x, y = got[1], exp[1]
    assert type(x) is float
    if np.isnan(y):
        assert np.isnan(x)
        return
    with np.errstate(all="ignore"):
        t = stats.ttest_1samp(np.asarray(profits) / starting_balance, 0).statistic
    if len(profits) == 2 and abs(t) < 1e-3:
        # scipy's CDFLIB loses absolute accuracy near t = 0 for one degree of freedom
        assert x == pytest.approx(y, abs=1e-8)
    else:
        assert x == pytest.approx(y, rel=1e-12, abs=1e-300)


def test_p_value_known_cases(backend):
    for profits in ([1.0], [], [1.0, 1.0, 1.0], [1.0, 2.0], [-1.0, -2.0, -3.0],
                    [5.0, -1.0, 2.0, 0.0], list(np.linspace(-1, 3, 500)), [1e-9, 2e-9, 3e-9]):
        trades = make_trades(profits, range(len(profits)))
        got, exp = fm.calculate_p_value(trades, 1000), ft.calculate_p_value(trades, 1000)
        assert type(got) is type(exp) and got == pytest.approx(exp, rel=1e-12)


# -- market change and pair frames ---------------------------------------------------------
def make_pairs(draw, aligned):
    npairs = draw(st.integers(0, 4))
    data = {}
    start = pd.Timestamp("2024-01-01", tz="UTC")
    n = draw(st.integers(0, 25))
    for i in range(npairs):
        m = n if aligned else draw(st.integers(0, 25))
        offset = 0 if aligned else draw(st.integers(0, 5))
        close = draw(st.lists(st.one_of(st.floats(1e-6, 1e6), st.just(np.nan), st.just(0.0)),
                              min_size=m, max_size=m))
        dates = start + pd.to_timedelta(5 * (np.arange(m) + offset), unit="min")
        data[f"P{i}/USDT"] = pd.DataFrame({"date": dates, "open": 1.0,
                                            "close": np.asarray(close, dtype=float)})
    return data


@settings(max_examples=200, deadline=None)
@given(data=st.data(), aligned=st.booleans(), cut=st.integers(-2, 30))
def test_market_change_and_combined_frames_match_freqtrade(data, aligned, cut):
    pairs = make_pairs(data.draw, aligned)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    lo, hi = start + pd.Timedelta(minutes=5 * cut), start + pd.Timedelta(minutes=5 * (cut + 9))
    for min_date in (None, lo):
        same_outcome(both_backends(fm.calculate_market_change, pairs, min_date=min_date),
                     outcome(ft.calculate_market_change, pairs, min_date=min_date))
    for column in ("close", "open"):
        for name in ("combine_dataframes_by_column", "combine_dataframes_with_mean"):
            same_outcome(both_backends(getattr(fm, name), pairs, column),
                         outcome(getattr(ft, name), pairs, column))
        same_outcome(both_backends(fm.combined_dataframes_with_rel_mean, pairs, lo, hi, column),
                     outcome(ft.combined_dataframes_with_rel_mean, pairs, lo, hi, column))


def test_pair_frames_errors_and_odd_input(backend):
    for name in ("combine_dataframes_by_column", "combine_dataframes_with_mean"):
        with pytest.raises(ValueError, match="No data provided."):
            getattr(fm, name)({})
    with pytest.raises(ValueError, match="No data provided."):
        fm.combined_dataframes_with_rel_mean({}, None, None)
    assert fm.calculate_market_change({}) == ft.calculate_market_change({}) == 0.0
    start = pd.Timestamp("2024-01-01", tz="UTC")
    frame = pd.DataFrame({"date": pd.date_range(start, periods=4, freq="5min"),
                          "close": [np.nan] * 4, "volume": [1, 2, 3, 4]})
    for args in (({"A": frame},), ({"A": frame}, "volume"), ({"A": frame}, "nope"),
                 ({"A": frame}, "close", start + pd.Timedelta(days=1)),
                 ({"A": frame}, "close", start.tz_localize(None))):
        same_outcome(outcome(fm.calculate_market_change, *args),
                     outcome(ft.calculate_market_change, *args))
    pairs = {"A": frame, "B": frame.assign(close=[1.0, 2.0, 4.0, 8.0])}
    for column in ("volume", "close", "nope"):
        for name in ("combine_dataframes_by_column", "combine_dataframes_with_mean"):
            same_outcome(outcome(getattr(fm, name), pairs, column),
                         outcome(getattr(ft, name), pairs, column))
    same_outcome(outcome(fm.combined_dataframes_with_rel_mean, pairs, start,
                         start.tz_localize(None)),
                 outcome(ft.combined_dataframes_with_rel_mean, pairs, start,
                         start.tz_localize(None)))


# -- cumulative profit -------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(profits=st.lists(st.one_of(profit_values, st.just(np.nan)), min_size=0, max_size=30),
       data=st.data(), timeframe=st.sampled_from(["5m", "1h", "4h", "1d", "1w", "7m"]),
       candles=st.integers(1, 60), aligned=st.booleans())
def test_create_cum_profit_matches_freqtrade(profits, data, timeframe, candles, aligned):
    n = len(profits)
    minutes = data.draw(st.lists(st.integers(0, 60 * 30), min_size=n, max_size=n))
    trades = make_trades(profits, minutes)
    step = pd.Timedelta(timeframe.replace("m", "min")) if aligned else pd.Timedelta("17min")
    index = pd.DatetimeIndex(pd.Timestamp("2024-01-01", tz="UTC") + step * np.arange(candles),
                             name="date")
    frame = pd.DataFrame({"close": np.arange(candles, dtype=float)}, index=index)
    exp = outcome(ft.create_cum_profit, frame.copy(), trades, "cum", timeframe)
    same_outcome(both_backends(lambda: fm.create_cum_profit(frame.copy(), trades, "cum",
                                                            timeframe)), exp)


def test_create_cum_profit_on_combined_real_candles(backend, real_candles):
    frames = {k: v for k, v in real_candles.items() if k.endswith("-5m")}
    assert frames
    comb = ft.combine_dataframes_with_mean(frames)
    first = next(iter(frames.values()))
    close = first["close"].to_numpy()
    entries = np.arange(0, len(close) - 6, 12)
    trades = pd.DataFrame({"close_date": first["date"].to_numpy()[entries + 6],
                           "profit_abs": (close[entries + 6] / close[entries] - 1) * 10})
    for timeframe in ("5m", "1h"):
        pd.testing.assert_frame_equal(
            fm.create_cum_profit(comb.copy(), trades, "cum_profit", timeframe),
            ft.create_cum_profit(comb.copy(), trades, "cum_profit", timeframe),
            rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="Trade dataframe empty."):
        fm.create_cum_profit(comb.copy(), trades.iloc[:0], "cum_profit", "5m")


def test_pair_functions_on_real_candles(backend, real_candles):
    frames = {k: v for k, v in real_candles.items() if k.endswith("-5m")}
    first = next(iter(frames.values()))["date"]
    lo, hi = first.iloc[100], first.iloc[len(first) // 2]
    assert fm.calculate_market_change(frames, min_date=lo) == pytest.approx(
        ft.calculate_market_change(frames, min_date=lo), rel=1e-12)
    assert fm.calculate_market_change(frames) == pytest.approx(
        ft.calculate_market_change(frames), rel=1e-12)
    pd.testing.assert_frame_equal(fm.combine_dataframes_with_mean(frames),
                                  ft.combine_dataframes_with_mean(frames), rtol=1e-12)
    pd.testing.assert_frame_equal(fm.combined_dataframes_with_rel_mean(frames, lo, hi),
                                  ft.combined_dataframes_with_rel_mean(frames, lo, hi),
                                  rtol=1e-12, atol=1e-12)
    mixed = dict(real_candles)  # 5m and 30m pairs: dates differ, outer join
    pd.testing.assert_frame_equal(fm.combine_dataframes_by_column(mixed),
                                  ft.combine_dataframes_by_column(mixed))


def test_balance_and_p_value_on_real_candle_trades(backend, real_candles):
    for frame in real_candles.values():
        close = frame["close"].to_numpy()
        entries = np.arange(0, len(close) - 6, 12)
        profit = (close[entries + 6] / close[entries] - 1) * 100
        trades = pd.DataFrame({"close_date": frame["date"].to_numpy()[entries + 6],
                               "profit_abs": profit})
        assert fm.calculate_p_value(trades, 1000) == pytest.approx(
            ft.calculate_p_value(trades, 1000), rel=1e-12)
        history = pd.DataFrame({"date": trades["close_date"],
                                "total_quote": 1000 + np.cumsum(profit)})
        for name in BALANCE_FUNCS:
            same_outcome(outcome(getattr(fm, name), history),
                         outcome(getattr(ft, name), history))


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(st.one_of(st.floats(-100, 100), st.just(np.nan), st.just(0.0)),
                      min_size=8, max_size=80),
       data=st.data(), start=st.sampled_from([1e4, 1.0, 1e9, 0.0]),
       tz=st.sampled_from(["UTC", None, "Asia/Tokyo"]))
def test_balance_ratios_on_multi_day_histories(steps, data, start, tz):
    """Walks over weeks (most days with snapshots): the daily-return ratios get values."""
    n = len(steps)
    minutes = data.draw(st.lists(st.integers(0, 60 * 24 * 40), min_size=n, max_size=n))
    x = np.asarray(steps, dtype=float)
    walk = np.where(np.isnan(x), np.nan, start + np.cumsum(np.nan_to_num(x)))
    history = make_balance(minutes, walk, tz)
    for name in BALANCE_FUNCS:
        exp = outcome(getattr(ft, name), history)
        same_outcome(both_backends(getattr(fm, name), history), exp)


def test_array_building_blocks_match_the_frame_functions(backend):
    rng = np.random.default_rng(5)
    profits = rng.normal(0, 10, 300)
    trades = make_trades(profits, np.arange(300) * 97)  # about 20 days
    for relative, balance in ((False, 0.0), (True, 1000.0)):
        high, low = fm.max_drawdown_indices(profits, balance, relative)
        uw = ft.calculate_underwater(trades, value_col="profit_abs", starting_balance=balance)
        res = ft.calculate_max_drawdown(trades, starting_balance=balance, relative=relative)
        assert uw["cumulative"].iloc[low] == res.low_value
        assert uw["cumulative"].iloc[high] == res.high_value
        assert uw["date"].iloc[low] == res.low_date
    history = pd.DataFrame({"date": trades["close_date"], "total_quote": 1e4 + np.cumsum(
        profits)})
    returns = fm.daily_returns(history["date"], history["total_quote"])
    daily = history.set_index("date")["total_quote"].resample("1D").last().dropna()
    expected = daily.pct_change().dropna().to_numpy()
    np.testing.assert_array_equal(returns, expected)
    assert len(expected) > 10
    assert ft.calculate_sharpe_from_balance(history) == pytest.approx(
        float(expected.mean() / expected.std() * np.sqrt(365)), rel=1e-12)
    with pytest.raises(ValueError, match="sorted"):
        fm.daily_returns(history["date"][::-1], history["total_quote"][::-1])
    with pytest.raises(ValueError, match="length"):
        fm.daily_returns(history["date"], history["total_quote"][:-1])
