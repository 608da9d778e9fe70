"""ftaccel.backtest.sweep and trade_profit: against Freqtrade's metrics, Backtesting and
LocalTrade."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from freqtrade.data import metrics as ft_metrics
from freqtrade.enums import TradingMode
from freqtrade.persistence.trade_model import LocalTrade
from hypothesis import given, settings
from hypothesis import strategies as st

import ftaccel.backtest as bt
import ftaccel.metrics as fa_metrics
from ftaccel import _backend
from ftaccel._freqtrade_ref import make_markets, run_freqtrade

PAIRS = ["ETH_BTC", "LTC_BTC", "ADA_BTC", "XMR_BTC", "ZEC_BTC", "DASH_BTC", "TRX_BTC",
         "ETC_BTC", "NXT_BTC", "XLM_BTC"]
BASE = {"stake_amount": 0.05, "dry_run_wallet": 1.0, "max_open_trades": 3, "timeframe": "5m",
        "tradable_balance_ratio": 0.99, "fee": 0.001, "stoploss": -0.05,
        "minimal_roi": {"0": 0.03, "30": 0.01, "90": 0}}
PARAMS = [
    {},
    {"stoploss": -0.01, "minimal_roi": {"0": 0.01}},
    {"stoploss": -0.03, "trailing_stop": True},
    {"stoploss": -0.04, "trailing_stop": True, "trailing_stop_positive": 0.005,
     "trailing_stop_positive_offset": 0.01, "trailing_only_offset_is_reached": True},
    {"minimal_roi": {"0": 0.05, "20": 0.02, "60": -1}, "stoploss": -0.2},
    {"minimal_roi": {"0": 10.0}, "stoploss": -0.99},  # exit signals and force exits
]


def _data(real_candles, names, n=1500, seed=0, short=False):
    rng = np.random.default_rng(seed)
    data = {}
    for nm in names:
        df = real_candles[f"{nm}-5m"].iloc[:n].copy().reset_index(drop=True)
        for c in ("open", "high", "low", "close"):
            df[c] = df[c].round(8)
        df["enter_long"] = (rng.random(len(df)) < 0.03).astype(int)
        df["exit_long"] = (rng.random(len(df)) < 0.02).astype(int)
        if short:
            df["enter_short"] = (rng.random(len(df)) < 0.03).astype(int)
            df["exit_short"] = (rng.random(len(df)) < 0.02).astype(int)
        pair = f"{nm.split('_')[0]}/BTC" + (":BTC" if short else "")
        data[pair] = df
    return data


def _expected(trades, balance, min_date, max_date, m=ft_metrics):
    """Freqtrade's report figures (``generate_strategy_stats``) of a trades frame, by the
    metrics module ``m`` (Freqtrade's, or ftaccel's drop-ins)."""
    n = len(trades)
    wins = int((trades["profit_ratio"] > 0).sum())
    draws = int((trades["profit_ratio"] == 0).sum())
    total = trades["profit_abs"].sum()
    row = {"trades": n, "wins": wins, "draws": draws, "losses": n - wins - draws,
           "winrate": wins / n if n else 0.0, "profit_total_abs": total,
           "profit_total": total / balance}
    try:
        dd = m.calculate_max_drawdown(trades, value_col="profit_abs",
                                      starting_balance=balance)
        under = m.calculate_max_drawdown(trades, value_col="profit_abs",
                                         starting_balance=balance, relative=True)
        row.update(max_drawdown_abs=dd.drawdown_abs,
                   max_drawdown_account=dd.relative_account_drawdown,
                   max_relative_drawdown=under.relative_account_drawdown)
    except ValueError:  # no trades
        row.update(max_drawdown_abs=0.0, max_drawdown_account=0.0, max_relative_drawdown=0.0)
    expectancy, ratio = m.calculate_expectancy(trades)
    row.update(
        sharpe=m.calculate_sharpe(trades, min_date, max_date, balance),
        sortino=m.calculate_sortino(trades, min_date, max_date, balance),
        calmar=m.calculate_calmar(trades, min_date, max_date, balance),
        sqn=m.calculate_sqn(trades, balance), expectancy=expectancy,
        expectancy_ratio=ratio,
        cagr=m.calculate_cagr((max_date - min_date).days or 1, balance, balance + total))
    return row


def _assert_rows(got, frames, min_date, max_date, balance=1.0):
    """Each row equals ftaccel.metrics on its trades frame exactly, and Freqtrade's
    metrics within a few units in the last place (its pandas sums add in another order)."""
    assert list(got.index) == list(range(len(frames)))
    for i, frame in enumerate(frames):
        ours = _expected(frame, balance, min_date, max_date, fa_metrics)
        ref = _expected(frame, balance, min_date, max_date)
        for col in bt.SWEEP_COLUMNS:
            a = float(got[col].iloc[i])
            assert a == float(ours[col]), (i, col, a, ours[col])
            assert a == pytest.approx(float(ref[col]), rel=1e-12, abs=1e-15), (i, col)


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_rows_equal_metrics_of_each_backtest(backend, real_candles):
    data = _data(real_candles, PAIRS[:6])
    config = {**BASE, "markets": make_markets(list(data))}
    _backend.set_backend(backend, "backtest")
    try:
        got = bt.sweep(data, config, PARAMS, threads=2)
        frames = [bt.backtest(data, {**config, **p}) for p in PARAMS]
    finally:
        _backend.set_backend("compiled", "backtest")
    min_date = min(df["date"].iloc[0] for df in data.values())
    max_date = max(df["date"].iloc[-1] for df in data.values())
    _assert_rows(got, frames, min_date, max_date)
    counts = got["trades"].tolist()
    assert min(counts) > 10 and len(set(counts)) > 2  # the sets do differ
    assert (got["max_drawdown_abs"] > 0).all() and (got["losses"] > 0).all()


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10**6), n_sets=st.integers(1, 4),
       max_open=st.sampled_from([1, 2, -1]))
def test_random_sets_equal_metrics_of_each_backtest(real_candles, seed, n_sets, max_open):
    from ftaccel.bench import sweep_params
    data = _data(real_candles, PAIRS[seed % 5: seed % 5 + 4], n=600, seed=seed)
    config = {**BASE, "max_open_trades": max_open, "markets": make_markets(list(data))}
    params = sweep_params(n_sets, seed=seed)
    got = bt.sweep(data, config, params, threads=2)
    min_date = min(df["date"].iloc[0] for df in data.values())
    max_date = max(df["date"].iloc[-1] for df in data.values())
    _assert_rows(got, [bt.backtest(data, {**config, **p}) for p in params], min_date,
                 max_date)


def test_timerange_startup_shorts_and_no_trades(real_candles):
    data = _data(real_candles, PAIRS[:3], n=1200, seed=4, short=True)
    # hourly mark candles and a default funding rate: every open futures trade pays
    marks = {pair: df.iloc[::12][["date", "open"]].reset_index(drop=True)
             for pair, df in data.items()}
    config = {**BASE, "trading_mode": "futures", "margin_mode": "isolated",
              "can_short": True, "futures_funding_rate": 0.0005, "mark_prices": marks,
              "startup_candle_count": 20, "timerange": "-20180111",
              "stake_amount": "unlimited", "markets": make_markets(list(data))}
    params = [{"stoploss": -0.02}, {"minimal_roi": {"0": 0.01, "10": 0.002}},
              {"stoploss": -0.3, "trailing_stop": True, "trailing_stop_positive": 0.01}]
    got = bt.sweep(data, config, params, threads=2)
    stop = pd.Timestamp("2018-01-11", tz="UTC")
    firsts = [df["date"].iloc[20] for df in data.values()]
    lasts = [df.loc[df["date"] <= stop, "date"].iloc[-1] for df in data.values()]
    frames = [bt.backtest(data, {**config, **p}) for p in params]
    assert all((f["funding_fees"] != 0).any() and f["is_short"].any() for f in frames)
    _assert_rows(got, frames, min(firsts), max(lasts))
    assert got["trades"].min() > 5
    # no entry signals at all: Freqtrade's zero report
    quiet = {k: v.assign(enter_long=0, enter_short=0) for k, v in data.items()}
    empty = bt.sweep(quiet, config, params[:2], threads=1)
    assert (empty["trades"] == 0).all() and (empty["expectancy_ratio"] == 100.0).all()
    assert (empty.drop(columns="expectancy_ratio").to_numpy() == 0).all()


def test_sets_against_freqtrade_backtesting(real_candles, tmp_path):
    data = _data(real_candles, PAIRS, n=1500, seed=7)
    markets = make_markets(list(data))
    params = [{"stoploss": -0.02, "minimal_roi": {"0": 0.02, "40": 0.005}},
              {"stoploss": -0.05, "minimal_roi": {"0": 0.04}, "trailing_stop": True,
               "trailing_stop_positive": 0.01, "trailing_stop_positive_offset": 0.02,
               "trailing_only_offset_is_reached": True}]
    got = bt.sweep(data, {**BASE, "markets": markets}, params)
    min_date = min(df["date"].iloc[0] for df in data.values())
    max_date = max(df["date"].iloc[-1] for df in data.values())
    for i, p in enumerate(params):
        ft = run_freqtrade({k: v.copy() for k, v in data.items()}, {**BASE, **p}, markets,
                           tmp_path / str(i))
        assert got["trades"].iloc[i] == len(ft) > 20
        assert got["profit_total_abs"].iloc[i] == pytest.approx(ft["profit_abs"].sum(),
                                                                rel=1e-9, abs=1e-12)
        # every figure, as Freqtrade's metrics compute them on Freqtrade's own trades
        want = _expected(ft.reset_index(drop=True), 1.0, min_date, max_date)
        for col in bt.SWEEP_COLUMNS:
            assert float(got[col].iloc[i]) == pytest.approx(float(want[col]), rel=1e-9,
                                                            abs=1e-12), (i, col)


def test_thread_counts_agree(real_candles):
    data = _data(real_candles, PAIRS[:4], seed=2)
    config = {**BASE, "markets": make_markets(list(data))}
    params = PARAMS * 3
    one = bt.sweep(data, config, params, threads=1)
    two = bt.sweep(data, config, params, threads=2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    block = {**config, "performance_optimization": {"numba_parallel_threads": 2}}
    pd.testing.assert_frame_equal(bt.sweep(data, block, params), one, check_exact=True)
    assert bt._sweep_threads(None, block) == 2
    auto = {**config, "performance_optimization": {"numba_parallel_threads": "auto"}}
    assert bt._sweep_threads(None, auto) == (os.cpu_count() or 1)


def test_threads_from_environment(monkeypatch):
    monkeypatch.setenv("FTACCEL_THREADS", "3")
    assert bt._sweep_threads(None, {}) == 3
    block = {"performance_optimization": {"numba_parallel_threads": 1}}
    assert bt._sweep_threads(None, block) == 3  # the environment wins over the file
    assert bt._sweep_threads(2, block) == 2  # an explicit count wins over both
    monkeypatch.delenv("FTACCEL_THREADS")
    assert bt._sweep_threads(None, block) == 1


def test_bad_params(real_candles):
    data = _data(real_candles, PAIRS[:2], n=300)
    config = {**BASE, "markets": make_markets(list(data))}
    with pytest.raises(ValueError, match="'max_open_trades'.*cannot vary"):
        bt.sweep(data, config, [{}, {"max_open_trades": 1, "stoploss": -0.1}])
    with pytest.raises(ValueError, match=r"params\[1\].*stoploss"):
        bt.sweep(data, config, [{}, {"stoploss": 0.1}])
    with pytest.raises(TypeError, match=r"params\[0\].*trailing_stop"):
        bt.sweep(data, config, [{"trailing_stop": "yes"}])
    with pytest.raises(TypeError, match=r"params\[0\] must be a mapping"):
        bt.sweep(data, config, [("stoploss", -0.1)])
    with pytest.raises(TypeError, match="sequence of mappings"):
        bt.sweep(data, config, {"stoploss": -0.1})
    with pytest.raises(TypeError, match="minimal_roi"):
        bt.sweep(data, config, [{"minimal_roi": [0.1]}])
    with pytest.raises(ValueError, match="threads"):
        bt.sweep(data, config, [{}], threads=0)
    with pytest.raises(ValueError, match="numba_parallel_threads"):
        bt.sweep(data, {**config, "performance_optimization": {"numba_parallel_threads": -1}},
                 [{}])
    with pytest.raises(ValueError, match="liquidation"):  # futures refuse wide stops
        bt.sweep(data, {**config, "trading_mode": "futures", "margin_mode": "isolated",
                        "futures_funding_rate": 0}, [{"stoploss": -0.9}])
    assert list(bt.sweep(data, config, []).columns) == bt.SWEEP_COLUMNS


# --- trade_profit against LocalTrade ------------------------------------------------

def _local_trade(open_rate, amount, fee_open, fee_close, is_short, leverage, funding):
    trade = LocalTrade(pair="X/Y", open_rate=open_rate, amount=amount, fee_open=fee_open,
                       fee_close=fee_close, is_short=is_short, leverage=leverage,
                       trading_mode=TradingMode.FUTURES if is_short or funding
                       or leverage != 1 else TradingMode.SPOT, funding_fees=funding,
                       stake_amount=open_rate * amount, exchange="binance",
                       open_date=datetime(2024, 1, 1, tzinfo=UTC))
    trade.recalc_open_trade_value()
    return trade


def _random_trades(seed, n):
    rng = np.random.default_rng(seed)
    open_rate = np.round(10.0 ** rng.uniform(-8, 8, n), 8)
    open_rate[open_rate == 0] = 1e-8
    close_rate = np.round(open_rate * np.exp(rng.normal(0, 0.05, n)), 10)
    amount = 10.0 ** rng.uniform(-8, 9, n)
    fee_open = rng.choice([0.0, 0.001, 0.00075, 0.0025, 0.1], n)
    fee_close = rng.choice([0.0, 0.001, 0.0005], n)
    short = rng.random(n) < 0.5
    leverage = rng.choice([1.0, 1.0, 3.0, 10.0], n)
    funding = np.where(rng.random(n) < 0.3, rng.normal(0, 1e-3, n) * amount * open_rate, 0.0)
    return open_rate, close_rate, amount, fee_open, fee_close, short, leverage, funding


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_trade_profit_equals_local_trade(backend):
    args = _random_trades(11, 2000)
    _backend.set_backend(backend, "backtest")
    try:
        profit_abs, ratio = bt.trade_profit(*args)
    finally:
        _backend.set_backend("compiled", "backtest")
    for i in range(len(profit_abs)):
        o, c, a, fo, fc, s, lev, ff = (x[i].item() for x in args)
        trade = _local_trade(o, a, fo, fc, s, lev, ff)
        assert profit_abs[i] == trade.calc_profit(c), i
        assert ratio[i] == trade.calc_profit_ratio(c), i


def test_trade_profit_scalars_and_spot_rounding_edges():
    # long spot trade by hand: 2 * 100 * 1.001 = 200.2 in, 2 * 110 * 0.999 = 219.78 out,
    # ratio 19.58 / 200.2 = 0.097802198 -> 0.0978022
    assert bt.trade_profit(100.0, 110.0, 2.0, 0.001, 0.001) == (
        pytest.approx(19.58), pytest.approx(0.0978022))
    rng = np.random.default_rng(5)
    # prices and amounts with few digits: exact decimal results land on rounding halves
    o = rng.integers(1, 10**6, 500) / 10**rng.integers(0, 8, 500)
    c = rng.integers(1, 10**6, 500) / 10**rng.integers(0, 8, 500)
    a = rng.integers(1, 10**4, 500) / 10**rng.integers(0, 4, 500)
    s = rng.random(500) < 0.5
    profit_abs, ratio = bt.trade_profit(o, c, a, 0.0025, 0.001, s)
    for i in range(500):
        trade = _local_trade(float(o[i]), float(a[i]), 0.0025, 0.001, bool(s[i]), 1.0, 0.0)
        assert (profit_abs[i], ratio[i]) == (trade.calc_profit(float(c[i])),
                                             trade.calc_profit_ratio(float(c[i]))), i


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_trade_profit_compiled_equals_fallback(data):
    n = data.draw(st.integers(1, 30))
    pos = st.floats(1e-9, 1e12, allow_nan=False)
    arrays = [np.array(data.draw(st.lists(pos, min_size=n, max_size=n))) for _ in range(3)]
    fee = data.draw(st.sampled_from([0.0, 0.001, 0.0025]))
    short = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    out = {}
    for backend in ("compiled", "numpy"):
        _backend.set_backend(backend, "backtest")
        try:
            out[backend] = bt.trade_profit(*arrays, fee, fee, short, 2.0)
        finally:
            _backend.set_backend("compiled", "backtest")
    np.testing.assert_array_equal(out["compiled"][0], out["numpy"][0])
    np.testing.assert_array_equal(out["compiled"][1], out["numpy"][1])


def test_trade_profit_bad_input():
    with pytest.raises(ValueError, match="open_rate"):
        bt.trade_profit(0.0, 1.0, 1.0, 0.001, 0.001)
    with pytest.raises(ValueError, match="amount"):
        bt.trade_profit(1.0, 1.0, [1.0, -1.0], 0.001, 0.001)
    with pytest.raises(ValueError, match="close_rate must be finite"):
        bt.trade_profit(1.0, np.nan, 1.0, 0.001, 0.001)
    with pytest.raises(ValueError, match="fee_close"):
        bt.trade_profit(1.0, 1.0, 1.0, 0.001, 1.5)
    with pytest.raises(ValueError, match="leverage"):
        bt.trade_profit(1.0, 1.0, 1.0, 0.001, 0.001, leverage=0.5)
    with pytest.raises(ValueError, match="differ in length"):
        bt.trade_profit([1.0, 2.0], [1.0, 2.0, 3.0], 1.0, 0.001, 0.001)
    with pytest.raises(TypeError, match="is_short"):
        bt.trade_profit(1.0, 1.0, 1.0, 0.001, 0.001, is_short=[0.5])
    with pytest.raises(TypeError, match="amount"):
        bt.trade_profit(1.0, 1.0, "1", 0.001, 0.001)
    with pytest.raises(ValueError, match="1-dimensional"):
        bt.trade_profit(np.ones((2, 2)), 1.0, 1.0, 0.001, 0.001)


def test_backtest_kernel_releases_the_gil(real_candles):
    """sweep's thread pool only helps if run_backtest frees the GIL: while a thread runs
    it, the main thread keeps spinning about as fast as alone."""
    import threading
    import time

    data = _data(real_candles, PAIRS, n=5000, seed=1)
    plan = bt._plan(data, {**BASE, "max_open_trades": -1, "markets": make_markets(list(data))})
    done = threading.Event()

    def kernel():
        for _ in range(10):
            bt._run(plan, plan.settings, plan.roi_keys, plan.roi_vals)
        done.set()

    thread = threading.Thread(target=kernel)
    ticks = 0
    start = time.perf_counter()
    thread.start()
    while not done.is_set():
        ticks += 1
    thread.join()
    elapsed = time.perf_counter() - start
    t1, alone = time.perf_counter(), 0
    while time.perf_counter() - t1 < elapsed:
        alone += 1
    assert ticks > 0.2 * alone, (ticks, alone)
