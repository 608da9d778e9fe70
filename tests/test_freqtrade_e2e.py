"""End to end with the installed Freqtrade, offline: a backtest with and without install()
gives the same trades and report numbers, and uninstall() gives Freqtrade back."""

from __future__ import annotations

import logging
import sys

import pytest
from freqtrade_harness import differences, run_backtest, run_hyperopt, setup

import ftaccel
from ftaccel import freqtrade as ftint
from ftaccel import monitor

# run ids and wall-clock timestamps of the run differ between any two runs
VOLATILE = {"backtest_run_start_ts", "backtest_run_end_ts", "backtest_start_time", "run_id"}


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in VOLATILE}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


# Values whose computation is not Freqtrade's operation for operation: the p-value (our
# own Student-t tail vs scipy's). It may differ in the last bits, 1e-12 relative at most.
LAST_BITS = {"p_value"}


def report_differences(fast, plain):
    """Differences of two backtest results; LAST_BITS keys may differ by 1e-12 relative."""
    out = []
    for path, a, b in differences(strip(fast), strip(plain)):
        key = path.rsplit(".", 1)[-1]
        if key in LAST_BITS and a == pytest.approx(b, rel=1e-12):
            continue
        out.append((path, a, b))
    return out


def snapshot():
    return {name: dict(vars(mod)) for name, mod in list(sys.modules.items())
            if mod is not None and name.split(".")[0] in ("freqtrade", "talib")}


@pytest.mark.slow
def test_backtest_same_with_and_without_install(tmp_path, real_candles, capsys):
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    setup(tmp_path, real_candles)
    ftint.uninstall()
    before_objects = snapshot()

    plain, t_plain = run_backtest(tmp_path)
    monitor.reset()
    ftint.install({"performance_optimization": {"optimization_phase": "progressive",
                                                "performance_benchmarking": True}})
    try:
        fast, t_fast = run_backtest(tmp_path)
        used = {r["function"]: r["calls"] for r in ftaccel.stats()["functions"]}
    finally:
        ftint.uninstall()
        monitor.reset()
    with capsys.disabled():
        print(f"\nbacktest start(): freqtrade {t_plain:.2f} s, with ftaccel {t_fast:.2f} s")

    # ftaccel really answered: indicators of the strategy, metrics of the report and of
    # the MaxDrawdown protection
    assert {"RSI", "EMA", "calculate_max_drawdown", "calculate_sharpe",
            "calculate_sortino", "calculate_calmar", "calculate_expectancy"} <= used.keys()
    assert used["RSI"] == 4 and used["EMA"] == 8  # four pairs

    stats_plain = plain["strategy"]["FtaccelProof"]
    stats_fast = fast["strategy"]["FtaccelProof"]
    assert stats_plain["total_trades"] > 20
    assert stats_fast["trades"] == stats_plain["trades"]
    diff = report_differences(fast, plain)
    assert not diff, diff[:10]

    after = snapshot()
    for name, attrs in before_objects.items():
        changed = [a for a, v in attrs.items() if after[name].get(a, object()) is not v]
        assert not changed, f"{name}: {changed[:5]} not restored"


@pytest.mark.slow
def test_one_line_in_the_strategy_file(tmp_path, real_candles, monkeypatch):
    """``from ftaccel.freqtrade import install; install()`` atop an unedited strategy, the
    phase from the environment: Freqtrade runs on ftaccel, with the same trades."""
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    import freqtrade.data.metrics as ftm
    import talib.abstract

    ftint.uninstall()
    original = ftm.calculate_max_drawdown, talib.abstract.RSI
    (tmp_path / "plain").mkdir()
    setup(tmp_path / "plain", real_candles)
    plain, _ = run_backtest(tmp_path / "plain")
    assert not ftint.installed()

    monkeypatch.setenv("FTACCEL_PHASE", "progressive")
    (tmp_path / "line").mkdir()
    setup(tmp_path / "line", real_candles,
          strategy_header="from ftaccel.freqtrade import install; install()\n")
    try:
        fast, _ = run_backtest(tmp_path / "line")
        assert ftint.installed()
        assert ftm.calculate_max_drawdown is ftaccel.metrics.calculate_max_drawdown
        assert talib.abstract.RSI is ftaccel.ta.RSI
    finally:
        ftint.uninstall()
    assert (ftm.calculate_max_drawdown, talib.abstract.RSI) == original
    assert fast["strategy"]["FtaccelProof"]["trades"] == plain["strategy"]["FtaccelProof"]["trades"]
    diff = report_differences(fast, plain)
    assert not diff, diff[:10]


@pytest.mark.slow
def test_hyperopt_same_losses_with_and_without_install(tmp_path, real_candles):
    """A short hyperopt (fixed seed, one job, Sharpe loss on the metrics) explores the same
    parameters and gets the same losses and epoch reports with ftaccel installed."""
    logging.getLogger("freqtrade").setLevel(logging.WARNING)
    ftint.uninstall()
    epochs = {}
    for mode in ("plain", "fast"):
        tmp = tmp_path / mode
        tmp.mkdir()
        setup(tmp, real_candles)
        if mode == "fast":
            ftint.install({"performance_optimization": {"optimization_phase": "progressive",
                                                        "performance_benchmarking": True}})
        try:
            epochs[mode] = run_hyperopt(tmp, epochs=5, loss="SharpeHyperOptLoss")
            if mode == "fast":
                used = {r["function"] for r in ftaccel.stats()["functions"]}
                assert {"calculate_sharpe", "RSI"} <= used  # the loss ran on ftaccel
        finally:
            ftint.uninstall()
            monitor.reset()
    plain, fast = epochs["plain"], epochs["fast"]
    assert len(plain) == len(fast) == 5
    assert [e["params_dict"] for e in fast] == [e["params_dict"] for e in plain]
    assert [e["loss"] for e in fast] == [e["loss"] for e in plain]
    assert any(e["loss"] < 1000 for e in plain)  # some epochs traded
    for a, b in zip(fast, plain):
        diff = report_differences(a["results_metrics"], b["results_metrics"])
        assert not diff, diff[:10]


@pytest.mark.parametrize("backend_name", ["compiled", "numpy"])
def test_expectancy_bit_identical_to_freqtrade(backend_name):
    import freqtrade.data.metrics as ftm
    import numpy as np
    import pandas as pd

    import ftaccel.metrics as fm
    from ftaccel import _backend

    rng = np.random.default_rng(7)
    frames = [pd.DataFrame({"profit_abs": np.round(rng.normal(0, 0.003, 200), 8)})]
    for n in (1, 9, 129, 1000, 7689, 40_000):  # leaf, one split, deeper pairwise trees
        profit = rng.normal(0.2, 10, n) * 10.0 ** rng.integers(-4, 4, n)
        profit[rng.integers(0, n, n // 10)] = np.nan
        profit[rng.integers(0, n, n // 10)] = 0.0
        frames.append(pd.DataFrame({"profit_abs": profit}))
    _backend.set_backend(backend_name, "metrics")
    try:
        for trades in frames:
            assert fm.calculate_expectancy(trades) == ftm.calculate_expectancy(trades)
    finally:
        _backend.set_backend("compiled", "metrics")
