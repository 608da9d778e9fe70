"""Freqtrade's ``Backtesting.backtest`` dispatched to ftaccel's compiled backtest (the
``backtesting`` module, phase ``aggressive``), against Freqtrade's own loop, offline."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from freqtrade_harness import FUTURES_PAIRS, PAIRS, differences, run_backtest, run_hyperopt, setup
from test_freqtrade_e2e import report_differences

from ftaccel import _freqtrade_backtest as ftb
from ftaccel import freqtrade as ftint

AGGRESSIVE = {"performance_optimization": {"optimization_phase": "aggressive"}}
BACKTEST_ONLY = {"performance_optimization": {"enabled_modules": ["backtesting"]}}
# no protections (not modelled); candles on the 1e-8 price grid Freqtrade derives from them
DISPATCHABLE = {"config": {"enable_protections": False}, "decimals": 8}


@contextmanager
def captured_backtests():
    """Record what each ``Backtesting.backtest`` call (patched or not) returns."""
    from freqtrade.optimize.backtesting import Backtesting

    inner = Backtesting.backtest
    calls = []

    def spy(self, processed, start_date, end_date):
        out = inner(self, processed, start_date, end_date)
        calls.append({k: (v.copy() if isinstance(v, pd.DataFrame) else v)
                      for k, v in out.items()})
        return out

    Backtesting.backtest = spy
    try:
        yield calls
    finally:
        Backtesting.backtest = inner


def run(tmp, install=None):
    """(Backtesting.start() results, backtest() dicts, dispatch counts) of one run."""
    ftint.uninstall()
    before = ftb.counts()
    if install is not None:
        ftint.install(install)
    try:
        with captured_backtests() as calls:
            results, _ = run_backtest(tmp)
    finally:
        ftint.uninstall()
    after = ftb.counts()
    return results, calls, {k: after[k] - before[k] for k in after}


def assert_same_backtest_dict(fast: dict, plain: dict):
    """The dict Freqtrade's loop returns: same keys, same trades frame (columns, dtypes,
    every value, the orders included), same counters, balance and wallet captures."""
    assert fast.keys() == plain.keys()
    a, b = fast["results"], plain["results"]
    assert list(a.columns) == list(b.columns)
    assert a.dtypes.to_dict() == b.dtypes.to_dict()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a["orders"].tolist() == b["orders"].tolist()
    pd.testing.assert_frame_equal(fast["wallet_summary"], plain["wallet_summary"],
                                  check_exact=True)
    for key in plain:
        if key not in ("results", "wallet_summary", "config"):
            assert fast[key] == plain[key], key
    assert fast["config"] is not None


@pytest.mark.slow
def test_backtesting_runs_on_ftaccel_with_the_same_report(tmp_path, real_candles, caplog):
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    for mode in ("plain", "fast"):
        (tmp_path / mode).mkdir()
        setup(tmp_path / mode, real_candles, **DISPATCHABLE)
    plain, plain_calls, plain_counts = run(tmp_path / "plain")
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        fast, fast_calls, fast_counts = run(tmp_path / "fast", AGGRESSIVE)
    assert plain_counts == {"ftaccel": 0, "freqtrade": 0}  # not installed: not wrapped
    assert fast_counts == {"ftaccel": 1, "freqtrade": 0}
    said = [r.getMessage() for r in caplog.records if "backtesting FtaccelProof" in r.getMessage()]
    assert said == ["ftaccel: backtesting FtaccelProof: runs on ftaccel's compiled backtest"]

    assert len(plain_calls) == len(fast_calls) == 1
    assert_same_backtest_dict(fast_calls[0], plain_calls[0])
    stats = plain["strategy"]["FtaccelProof"]
    assert stats["total_trades"] > 50 and stats["rejected_signals"] > 0
    assert fast["strategy"]["FtaccelProof"]["trades"] == stats["trades"]
    diff = report_differences(fast, plain)  # metrics on ftaccel too: see LAST_BITS there
    assert not diff, diff[:10]


@pytest.mark.slow
def test_backtest_only_module_gives_a_bit_identical_report(tmp_path, real_candles):
    """With only the backtesting module (Freqtrade's metrics and TA-Lib), the whole report
    is identical, to the last bit (run ids and times aside)."""
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    for mode in ("plain", "fast"):
        (tmp_path / mode).mkdir()
        setup(tmp_path / mode, real_candles, **DISPATCHABLE)
    plain, _, _ = run(tmp_path / "plain")
    fast, _, counts = run(tmp_path / "fast", BACKTEST_ONLY)
    assert counts == {"ftaccel": 1, "freqtrade": 0}
    volatile = ("run_id", "backtest_start_time", "backtest_end_time", "backtest_run_start_ts",
                "backtest_run_end_ts")
    diff = [d for d in differences(fast, plain) if not d[0].endswith(volatile)]
    assert not diff, diff[:10]


SHORTS = '''
    can_short = True

    def populate_entry_trend(self, dataframe, metadata):
        rsi, fast, slow = dataframe["rsi"], dataframe["ema_fast"], dataframe["ema_slow"]
        dataframe.loc[(rsi < self.buy_rsi.value) & (fast > slow), "enter_long"] = 1
        dataframe.loc[(rsi > self.sell_rsi.value - 10) & (fast < slow), "enter_short"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["rsi"] > self.sell_rsi.value, "exit_long"] = 1
        dataframe.loc[dataframe["rsi"] < self.buy_rsi.value, "exit_short"] = 1
        return dataframe
'''


def funding_files(candles, seed=7):
    """{futures pair: (hourly funding rates of both signs, hourly mark candles near the
    close)} over each pair's candles, as Freqtrade stores them (rate in ``open``); a few
    rates are missing (no funding at those hours)."""
    rng = np.random.default_rng(seed)
    out = {}
    for spot, pair in zip(PAIRS, FUTURES_PAIRS):
        df = candles[spot.replace("/", "_") + "-5m"]
        hours = pd.date_range(df["date"].iloc[0].floor("h"), df["date"].iloc[-1], freq="1h")
        close = df.set_index("date")["close"].reindex(hours, method="ffill").bfill()
        mark = np.round(close.to_numpy() * (1 + rng.normal(0, 0.002, len(hours))), 8)
        marks = pd.DataFrame({"date": hours, "open": mark, "high": mark, "low": mark,
                              "close": mark, "volume": 0.0})
        rate = np.round(rng.normal(1e-4, 5e-4, len(hours)), 6)
        rates = pd.DataFrame({"date": hours, "open": rate, "high": rate, "low": rate,
                              "close": rate, "volume": 0.0})
        keep = rng.random(len(hours)) > 0.05
        out[pair] = (rates[keep].reset_index(drop=True), marks)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("shorts", [True, False])
def test_futures_with_shorts_and_funding_run_on_ftaccel(shorts, tmp_path, real_candles,
                                                        caplog):
    """Futures (isolated, leverage 1) with shorts (or long only), funding-rate and mark
    candles in the datadir and Binance's leverage tiers: the same backtest dict and report
    as Freqtrade's loop, the funding fees included."""
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    files = funding_files(real_candles)
    for mode in ("plain", "fast"):
        (tmp_path / mode).mkdir()
        setup(tmp_path / mode, real_candles, strategy_body=SHORTS if shorts else "",
              futures=files, config={"enable_protections": False}, decimals=8)
    plain, plain_calls, _ = run(tmp_path / "plain")
    ftb._logged.clear()  # one line per decision and process: an earlier test may have said it
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        fast, fast_calls, counts = run(tmp_path / "fast", AGGRESSIVE)
    said = [r.getMessage() for r in caplog.records if "backtesting FtaccelProof" in r.getMessage()]
    assert said == ["ftaccel: backtesting FtaccelProof: runs on ftaccel's compiled backtest"]
    assert counts == {"ftaccel": 1, "freqtrade": 0}
    assert_same_backtest_dict(fast_calls[0], plain_calls[0])
    trades = plain_calls[0]["results"]
    assert trades["is_short"].any() == shorts and (~trades["is_short"]).any()
    assert (trades["funding_fees"] > 0).any() and (trades["funding_fees"] < 0).any()
    assert plain_calls[0]["rejected_signals"] > 0
    stats = plain["strategy"]["FtaccelProof"]
    assert fast["strategy"]["FtaccelProof"]["trades"] == stats["trades"]
    diff = report_differences(fast, plain)
    assert not diff, diff[:10]


@pytest.mark.slow
def test_futures_liquidations_run_on_ftaccel(tmp_path):
    """Trending candles and a stop too wide to act first: shorts are liquidated at
    Binance's isolated liquidation price (the exchange's bundled leverage tiers, the
    configured buffer), as in Freqtrade's loop."""
    from test_backtest import _trending

    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    cols = ["date", "open", "high", "low", "close", "volume"]
    candles = {p.replace("/", "_") + "-5m": _trending(900, i + 1, drift)[cols]
               for i, (p, drift) in enumerate(zip(PAIRS, (0.006, -0.025, 0.0, 0.012)))}
    files = funding_files(candles)
    for mode in ("plain", "fast"):
        (tmp_path / mode).mkdir()
        setup(tmp_path / mode, candles, strategy_body=SHORTS, futures=files,
              config={"enable_protections": False, "stoploss": -0.99,
                      "minimal_roi": {"0": 5.0}, "dry_run_wallet": 1000,
                      "stake_amount": 100, "liquidation_buffer": 0.04})
    plain, plain_calls, _ = run(tmp_path / "plain")
    fast, fast_calls, counts = run(tmp_path / "fast", AGGRESSIVE)
    assert counts == {"ftaccel": 1, "freqtrade": 0}
    assert_same_backtest_dict(fast_calls[0], plain_calls[0])
    trades = plain_calls[0]["results"]
    assert (trades["exit_reason"] == "liquidation").sum() >= 3
    diff = report_differences(fast, plain)
    assert not diff, diff[:10]


@pytest.mark.slow
def test_cross_margin_futures_fall_back(tmp_path, real_candles, caplog):
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    setup(tmp_path, real_candles, strategy_body=SHORTS, futures=funding_files(real_candles),
          config={"enable_protections": False, "margin_mode": "cross"}, decimals=8)
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        _, _, counts = run(tmp_path, AGGRESSIVE)
    assert counts == {"ftaccel": 0, "freqtrade": 1}
    said = [r.getMessage() for r in caplog.records if "backtesting FtaccelProof" in r.getMessage()]
    assert said == ["ftaccel: backtesting FtaccelProof: runs on Freqtrade's loop: margin_mode "
                    "'cross' (futures are dispatched with isolated margin only)"]


def test_futures_eligibility():
    """Futures go to ftaccel only with isolated margin on Binance; margin trading never."""
    from types import SimpleNamespace

    from freqtrade.enums import MarginMode, TradingMode
    from freqtrade.strategy import IStrategy

    class Plain(IStrategy):
        def populate_indicators(self, dataframe, metadata):
            return dataframe

    def bt(mode, margin, exchange="binance"):
        return SimpleNamespace(
            config={"dry_run_wallet": 1000}, strategy=Plain.__new__(Plain), trading_mode=mode,
            margin_mode=margin, exchange=SimpleNamespace(id=exchange), _exchange_name=exchange,
            timeframe_detail=None, _position_stacking=False, enable_protections=False,
            dynamic_pairlist=False)

    assert ftb.ineligible(bt(TradingMode.FUTURES, MarginMode.ISOLATED)) is None
    assert ftb.ineligible(bt(TradingMode.SPOT, MarginMode.NONE)) is None
    assert "isolated margin only" in ftb.ineligible(bt(TradingMode.FUTURES, MarginMode.CROSS))
    assert "exchange 'okx'" in ftb.ineligible(bt(TradingMode.FUTURES, MarginMode.ISOLATED,
                                                 "okx"))
    assert "'margin'" in ftb.ineligible(bt(TradingMode.MARGIN, MarginMode.ISOLATED))


CUSTOM_STOPLOSS = '''
    use_custom_stoploss = True

    def custom_stoploss(self, pair, trade, current_time, current_rate, current_profit,
                        after_fill, **kwargs):
        return -0.02 if current_profit > 0.01 else None
'''


@pytest.mark.slow
def test_custom_stoploss_falls_back_to_freqtrades_loop(tmp_path, real_candles, caplog):
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    for mode in ("plain", "fast"):
        (tmp_path / mode).mkdir()
        setup(tmp_path / mode, real_candles, strategy_body=CUSTOM_STOPLOSS, **DISPATCHABLE)
    plain, plain_calls, _ = run(tmp_path / "plain")
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        fast, fast_calls, counts = run(tmp_path / "fast", BACKTEST_ONLY)
    assert counts == {"ftaccel": 0, "freqtrade": 1}
    said = [r.getMessage() for r in caplog.records if "backtesting FtaccelProof" in r.getMessage()]
    assert said == ["ftaccel: backtesting FtaccelProof: runs on Freqtrade's loop: strategy "
                    "overrides custom_stoploss"]
    assert fast["strategy"]["FtaccelProof"]["trades"] == plain["strategy"]["FtaccelProof"]["trades"]
    assert (pd.DataFrame(plain["strategy"]["FtaccelProof"]["trades"])["exit_reason"]
            == "trailing_stop_loss").any()  # the custom stop did act


@pytest.mark.slow
def test_refused_by_ftaccel_falls_back_with_the_reason(tmp_path, real_candles, caplog):
    """Unrounded candles: a forced exit at an open price that is not on the price grid
    (XLM/BTC) would not fill in Freqtrade; ftaccel's backtest refuses it, and the loop runs."""
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    for mode in ("plain", "fast"):
        (tmp_path / mode).mkdir()
        setup(tmp_path / mode, real_candles, config={"enable_protections": False})
    plain, plain_calls, _ = run(tmp_path / "plain")
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        fast, fast_calls, counts = run(tmp_path / "fast", BACKTEST_ONLY)
    assert counts == {"ftaccel": 0, "freqtrade": 1}
    said = [r.getMessage() for r in caplog.records if "backtesting FtaccelProof" in r.getMessage()]
    assert len(said) == 1 and "runs on Freqtrade's loop: not modelled by ftaccel (" in said[0]
    assert "price" in said[0]
    assert_same_backtest_dict(fast_calls[0], plain_calls[0])


@pytest.mark.slow
def test_protections_fall_back(tmp_path, real_candles, caplog):
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    setup(tmp_path, real_candles, decimals=8)  # the harness strategy has MaxDrawdown
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        _, _, counts = run(tmp_path, AGGRESSIVE)
    assert counts == {"ftaccel": 0, "freqtrade": 1}
    assert any("runs on Freqtrade's loop: protections are enabled" in r.getMessage()
               for r in caplog.records)


@pytest.mark.slow
def test_hyperopt_same_losses_with_dispatch(tmp_path, real_candles):
    """A short hyperopt (fixed seed, one job) with every epoch's backtest on ftaccel
    explores the same parameters with the same losses and epoch reports."""
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    ftint.uninstall()
    epochs = {}
    for mode in ("plain", "fast"):
        tmp = tmp_path / mode
        tmp.mkdir()
        setup(tmp, real_candles, **DISPATCHABLE)
        before = ftb.counts()
        if mode == "fast":
            ftint.install(AGGRESSIVE)
        try:
            epochs[mode] = run_hyperopt(tmp, epochs=5, loss="SharpeHyperOptLoss")
        finally:
            ftint.uninstall()
        if mode == "fast":
            assert ftb.counts()["ftaccel"] - before["ftaccel"] == 5
            assert ftb.counts()["freqtrade"] == before["freqtrade"]
    plain, fast = epochs["plain"], epochs["fast"]
    assert len(plain) == len(fast) == 5
    assert [e["params_dict"] for e in fast] == [e["params_dict"] for e in plain]
    assert [e["loss"] for e in fast] == [e["loss"] for e in plain]
    assert any(e["loss"] < 1000 for e in plain)
    for a, b in zip(fast, plain):
        diff = report_differences(a["results_metrics"], b["results_metrics"])
        assert not diff, diff[:10]


@pytest.mark.slow
def test_hyperopt_two_jobs_workers_install_ftaccel(tmp_path, real_candles, caplog):
    """``-j 2``: the epochs run in joblib/loky worker processes, fresh interpreters. The
    optimizer pickled to them carries install()'s settings, so each worker installs ftaccel
    (its dispatch log lines come back through Freqtrade's log queue), and the losses are
    those of Freqtrade without ftaccel."""
    import os

    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    ftint.uninstall()
    epochs = {}
    for mode in ("plain", "fast"):  # plain first: loky reuses its workers
        tmp = tmp_path / mode
        tmp.mkdir()
        setup(tmp, real_candles, **DISPATCHABLE)
        if mode == "fast":
            ftint.install(AGGRESSIVE)
            assert ftint.report()["hyperopt_workers"] is True
        try:
            with caplog.at_level(logging.INFO, logger="ftaccel"):
                epochs[mode] = run_hyperopt(tmp, epochs=4, loss="SharpeHyperOptLoss", jobs=2)
        finally:
            ftint.uninstall()
        in_workers = [r for r in caplog.records if r.process != os.getpid()
                      and "runs on ftaccel's compiled backtest" in r.getMessage()]
        assert bool(in_workers) == (mode == "fast"), mode
        caplog.clear()
    plain, fast = epochs["plain"], epochs["fast"]
    assert len(plain) == len(fast) == 4
    assert [e["params_dict"] for e in fast] == [e["params_dict"] for e in plain]
    assert [e["loss"] for e in fast] == [e["loss"] for e in plain]
    assert any(e["loss"] < 1000 for e in plain)
    for a, b in zip(fast, plain):
        diff = report_differences(a["results_metrics"], b["results_metrics"])
        assert not diff, diff[:10]


def test_pickled_optimizer_installs_in_a_fresh_process(tmp_path):
    """What a hyperopt worker does when it unpickles the optimizer, in a subprocess."""
    import pickle
    import subprocess
    import sys

    import cloudpickle
    from freqtrade.optimize.hyperopt.hyperopt_optimizer import HyperOptimizer

    opt = HyperOptimizer.__new__(HyperOptimizer)
    opt.marker = 42
    ftint.uninstall()
    assert "__reduce_ex__" not in vars(HyperOptimizer)
    plain = cloudpickle.dumps(opt)
    ftint.install({"performance_optimization": {"enabled_modules": ["metrics", "backtesting"]}})
    try:
        fast = cloudpickle.dumps(opt)
    finally:
        ftint.uninstall()
    assert "__reduce_ex__" not in vars(HyperOptimizer)  # deleted again, not set to object's
    code = ("import pickle, sys; from ftaccel import freqtrade as f; "
            "o = pickle.loads(sys.stdin.buffer.read()); "
            "print(o.marker, f.installed(), f.report().get('backtesting', '')[:33])")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTACCEL_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    outs = [subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True,
                           env=env, timeout=300).stdout.decode().split()
            for blob in (plain, fast)]
    assert outs[0] == ["42", "False"]
    assert outs[1] == ["42", "True", "backtesting:", "Backtesting.backtest"]
    assert pickle.loads(fast).marker == 42  # in this process: installs, then rebuilds
    ftint.uninstall()


def test_overridden_callbacks_found_through_the_mro():
    from freqtrade.strategy import IStrategy

    class Base(IStrategy):
        def populate_indicators(self, dataframe, metadata):
            return dataframe

        def confirm_trade_exit(self, *args, **kwargs):
            return True

    class Child(Base):
        def custom_exit(self, *args, **kwargs):
            return None

        def helper(self):  # not an IStrategy method
            return 1

    strat = Child.__new__(Child)
    assert sorted(ftb.overridden_callbacks(strat)) == ["confirm_trade_exit", "custom_exit"]
    assert ftb.overridden_callbacks(IStrategy.__new__(Base)) == ["confirm_trade_exit"]


def test_install_wraps_and_uninstall_restores_backtest():
    from freqtrade.optimize.backtesting import Backtesting

    ftint.uninstall()
    original = Backtesting.backtest
    report = ftint.install(AGGRESSIVE)
    try:
        assert Backtesting.backtest is not original
        assert Backtesting.backtest.__wrapped__ is original
        assert "dispatched" in report["backtesting"]
        assert ("freqtrade.optimize.backtesting.Backtesting", "backtest") in ftint.patches()
    finally:
        ftint.uninstall()
    assert Backtesting.backtest is original
    ftint.install({"performance_optimization": {"optimization_phase": "progressive"}})
    try:
        assert Backtesting.backtest is original  # not enabled: not wrapped
    finally:
        ftint.uninstall()
