"""ftaccel.freqtrade: install()/uninstall() into the installed Freqtrade and TA-Lib."""

from __future__ import annotations

import csv
import importlib
import json
import logging
import os
import sys
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib
import talib.abstract

import ftaccel
import ftaccel.metrics as fm
import ftaccel.ta as fta
from ftaccel import _backend, monitor
from ftaccel import config as cfg
from ftaccel import freqtrade as ftint

# Freqtrade modules that bind metrics with ``from freqtrade.data.metrics import ...``
CONSUMERS = (
    "freqtrade.optimize.optimize_reports.optimize_reports",
    "freqtrade.optimize.backtesting",
    "freqtrade.plugins.protections.max_drawdown_protection",
    "freqtrade.rpc.rpc",
)
for _name in CONSUMERS:
    importlib.import_module(_name)
import freqtrade.data.metrics as ftm  # noqa: E402

ORIGINAL_METRICS = {name: getattr(ftm, name) for name in vars(ftm)}


def conf(**block):
    return {"stake_currency": "BTC", "performance_optimization": block}


def settings(**block):
    return cfg.parse(block, {})  # no FTACCEL_* variables from the outer environment


def identity_snapshot() -> dict:
    """id of every attribute of every freqtrade.*/talib/technical module, to compare after
    uninstall."""
    snap = {}
    for name, mod in list(sys.modules.items()):
        if mod is not None and name.split(".")[0] in ("freqtrade", "talib", "technical"):
            snap[name] = dict(vars(mod))
    return snap


def assert_same_objects(before: dict, after: dict):
    for name, attrs in before.items():
        now = after[name]
        changed = [a for a, v in attrs.items() if now.get(a, object()) is not v]
        assert not changed, f"{name}: {changed[:5]} not restored"


@pytest.fixture(autouse=True)
def clean():
    ftint.uninstall()
    monitor.reset()
    yield
    ftint.uninstall()
    monitor.reset()


@pytest.fixture(scope="module")
def trades(real_candles) -> pd.DataFrame:
    """Long trades on a real pair: enter every 37 candles, exit 23 candles later."""
    df = real_candles["ETH_BTC-5m"].iloc[:6000].reset_index(drop=True)
    entries = np.arange(0, len(df) - 30, 37)
    exits = entries + 23
    ratio = df["close"].to_numpy()[exits] / df["open"].to_numpy()[entries] - 1 - 0.002
    return pd.DataFrame({
        "open_date": df["date"].to_numpy()[entries], "close_date": df["date"].to_numpy()[exits],
        "profit_ratio": ratio, "profit_abs": ratio * 0.05, "pair": "ETH/BTC",
    })


def provided_metrics() -> list[str]:
    return sorted(n for n, ref in fm.FUNCTIONS.items()
                  if ref == f"freqtrade.data.metrics.{n}" and hasattr(ftm, n))


def test_metrics_patched_everywhere_and_restored():
    before = identity_snapshot()
    bound = [(mod_name, attr, name) for mod_name, mod in before.items()
             for attr, v in mod.items() for name in provided_metrics()
             if mod_name != "freqtrade.data.metrics" and v is ORIGINAL_METRICS[name]]
    consumers = {m for m, _, _ in bound}
    assert set(CONSUMERS) - {"freqtrade.optimize.backtesting"} <= consumers

    report = ftint.install(conf())
    assert without_workers(report) == {"metrics": provided_metrics()}
    for name in provided_metrics():
        assert getattr(ftm, name) is getattr(fm, name)
    for mod_name, attr, name in bound:
        assert getattr(sys.modules[mod_name], attr) is getattr(fm, name), (mod_name, attr)
    # what ftaccel does not provide stays Freqtrade's
    for name in set(ORIGINAL_METRICS) - set(provided_metrics()):
        assert getattr(ftm, name) is ORIGINAL_METRICS[name], name
    assert ftm.DrawDownResult is ORIGINAL_METRICS["DrawDownResult"]
    assert talib.SMA is before["talib"]["SMA"]  # conservative phase: metrics only

    ftint.uninstall()
    assert not ftint.installed() and ftint.patches() == []
    assert_same_objects(before, identity_snapshot())


def test_module_imported_after_install_is_patched_and_restored():
    ftint.install(conf())
    late = types.ModuleType("freqtrade._late_consumer")
    sys.modules[late.__name__] = late
    try:
        exec("from freqtrade.data.metrics import calculate_sqn, calculate_market_change",
             late.__dict__)
        assert late.calculate_sqn is fm.calculate_sqn
        ftint.uninstall()
        assert late.calculate_sqn is ORIGINAL_METRICS["calculate_sqn"]
        assert late.calculate_market_change is ORIGINAL_METRICS["calculate_market_change"]
    finally:
        del sys.modules[late.__name__]


def test_install_is_idempotent_and_uninstall_without_install_is_a_noop():
    before = identity_snapshot()
    ftint.uninstall()
    ftint.uninstall()
    assert_same_objects(before, identity_snapshot())
    ftint.install(conf())
    once = ftint.patches()
    ftint.install(conf())
    assert ftint.patches() == once
    ftint.uninstall()
    assert_same_objects(before, identity_snapshot())


def test_patched_metrics_match_freqtrade(trades):
    """Freqtrade's own consumers now call ftaccel; the answers are Freqtrade's."""
    import freqtrade.rpc.rpc as rpc_mod

    lo, hi = trades["open_date"].min(), trades["close_date"].max()
    calls = {
        "calculate_max_drawdown": ((trades,), {"starting_balance": 1.0}),
        "calculate_sharpe": ((trades, lo, hi, 1.0), {}),
        "calculate_sortino": ((trades, lo, hi, 1.0), {}),
        "calculate_calmar": ((trades, lo, hi, 1.0), {}),
        "calculate_sqn": ((trades, 1.0), {}),
        "calculate_expectancy": ((trades,), {}),
    }
    expected = {n: ORIGINAL_METRICS[n](*a, **k) for n, (a, k) in calls.items()}
    ftint.install(conf())
    for name, (args, kwargs) in calls.items():
        func = getattr(rpc_mod, name)
        assert func is getattr(fm, name)
        got, want = func(*args, **kwargs), expected[name]
        if name == "calculate_max_drawdown":
            got, want = vars(got), vars(want)
            assert got.keys() == want.keys()
            for key in want:
                assert got[key] == pytest.approx(want[key], rel=1e-12), key
        else:
            assert got == pytest.approx(want, rel=1e-12), name


def test_disabled_patches_nothing():
    before = identity_snapshot()
    for block in ({"enable_numba_optimization": False}, {"enabled_modules": []}):
        assert ftint.install(conf(**block)) == {}
        assert ftint.patches() == []
        assert_same_objects(before, identity_snapshot())


def test_indicators_progressive(real_candles):
    before = identity_snapshot()
    covered = [n for n in fta.get_functions() if n in talib.get_functions()]
    uncovered = [n for n in talib.get_functions() if n not in covered]
    assert covered and uncovered
    df = real_candles["ETH_BTC-5m"].iloc[:3000]
    want_rsi = talib.abstract.RSI(df, timeperiod=9)
    want_ema = talib.EMA(df["close"].to_numpy(), 21)

    report = ftint.install(conf(optimization_phase="progressive"))
    assert report["indicators"] == sorted(covered) and "metrics" in report
    for name in covered:
        assert getattr(talib, name) is getattr(fta, name)
        assert getattr(talib.abstract, name) is getattr(fta, name)
    for name in uncovered:
        assert getattr(talib, name) is before["talib"][name]
        assert getattr(talib.abstract, name) is before["talib.abstract"][name]
    np.testing.assert_allclose(talib.abstract.RSI(df, timeperiod=9), want_rsi, rtol=1e-9)
    np.testing.assert_allclose(talib.EMA(df["close"].to_numpy(), 21), want_ema, rtol=1e-9)
    ftint.uninstall()
    assert_same_objects(before, identity_snapshot())


def without_workers(report: dict) -> dict:
    """install()'s report without the hyperopt-workers entry, which is there exactly when
    Freqtrade's hyperopt module is already loaded (an earlier test may have loaded it)."""
    rest = dict(report)
    assert rest.pop("hyperopt_workers", False) is (ftint._HYPEROPT_MODULE in sys.modules)
    return rest


def test_backtesting_module_wraps_backtest_and_logs(caplog):
    from freqtrade.optimize.backtesting import Backtesting

    original = Backtesting.backtest
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        report = ftint.install(conf(enabled_modules=["backtesting"]))
    try:
        report = without_workers(report)
        assert list(report) == ["backtesting"] and "dispatched" in report["backtesting"]
        assert [p for p in ftint.patches() if p[1] != "__reduce_ex__"] == [
            ("freqtrade.optimize.backtesting.Backtesting", "backtest")]
        assert Backtesting.backtest.__wrapped__ is original
        assert any("Backtesting.backtest dispatched" in r.getMessage() for r in caplog.records)
    finally:
        ftint.uninstall()
    assert Backtesting.backtest is original


def test_bad_config_raises_and_patches_nothing():
    with pytest.raises(ValueError, match="optimization_phase"):
        ftint.install(conf(optimization_phase="turbo"))
    assert not ftint.installed() and ftint.patches() == []


class Broken:
    """A compiled module whose every kernel raises."""

    def __getattr__(self, name):
        def fail(*args):
            raise RuntimeError("boom")
        return fail


def test_fallback_on_error_follows_config(monkeypatch, trades):
    monkeypatch.delenv("FTACCEL_STRICT", raising=False)
    fam = _backend.family("metrics")
    monkeypatch.setattr(fam, "module", Broken())
    monkeypatch.setattr(fam, "failures", {})
    monkeypatch.setattr(fam, "disabled", set())
    want = ORIGINAL_METRICS["calculate_sqn"](trades, 1.0)

    ftint.install(settings(fallback_on_numba_error=False))
    assert ftaccel.stats()["strict"]
    with pytest.raises(RuntimeError, match="boom"):
        ftm.calculate_sqn(trades, 1.0)

    ftint.install(settings(fallback_on_numba_error=True))
    assert not ftaccel.stats()["strict"]
    for _ in range(_backend.MAX_FAILURES + 1):
        assert ftm.calculate_sqn(trades, 1.0) == pytest.approx(want, rel=1e-12)
    counters = ftaccel.stats()["families"]["metrics"]
    assert max(counters["failures"].values()) == _backend.MAX_FAILURES
    assert counters["disabled"]
    ftint.uninstall()
    assert not _backend.strict()


def test_benchmarking_off_is_the_bare_function():
    ftint.install(settings())
    assert ftm.calculate_sqn is fm.calculate_sqn


def test_benchmarking_records_exports_and_summarizes(tmp_path, trades):
    import freqtrade.optimize.optimize_reports.optimize_reports as reports

    ftint.install(settings(performance_benchmarking=True))
    assert getattr(ftm.calculate_sqn, "__ftaccel_wrapped__", None) is fm.calculate_sqn
    assert reports.calculate_sqn is ftm.calculate_sqn  # consumers get the timed one too
    for _ in range(3):
        reports.calculate_sqn(trades, 1.0)
    ftm.calculate_max_drawdown(trades.iloc[:10], starting_balance=1.0)
    rows = {r["function"]: r for r in ftaccel.stats()["functions"]}
    sqn = rows["calculate_sqn"]
    assert sqn["calls"] == 3 and sqn["family"] == "metrics"
    assert sqn["rows_min"] == sqn["rows_max"] == len(trades)
    assert sqn["rows_total"] == 3 * len(trades)
    assert sqn["backends"] == {_backend.family("metrics").backend: 3}
    assert sqn["total_s"] > 0 and sqn["mean_s"] == pytest.approx(sqn["total_s"] / 3)
    assert rows["calculate_max_drawdown"]["rows_max"] == 10

    monitor.export_json(tmp_path / "s.json")
    monitor.export_csv(tmp_path / "s.csv")
    assert json.loads((tmp_path / "s.json").read_text()) == ftaccel.stats()["functions"]
    with open(tmp_path / "s.csv") as fh:
        table = {r["function"]: r for r in csv.DictReader(fh)}
    assert table["calculate_sqn"]["calls"] == "3"
    text = monitor.table()
    assert "calculate_sqn" in text and "calculate_max_drawdown" in text
    assert monitor._atexit_registered


def test_detailed_logging(caplog, trades):
    ftint.install(settings(detailed_performance_logging=True))
    with caplog.at_level(logging.DEBUG, logger="ftaccel"):
        ftm.calculate_expectancy(trades)
    assert any("calculate_expectancy rows=" in r.getMessage() for r in caplog.records)


def _per_call(func, args, n=2000):
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            func(*args)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def test_monitoring_overhead_when_off_is_nil():
    """Off: the patched attribute is the ftaccel function, so the call costs the same."""
    ftint.install(settings())
    assert ftm.calculate_cagr is fm.calculate_cagr
    on = monitor.wrap(fm.calculate_cagr, "calculate_cagr", "metrics")
    bare = _per_call(fm.calculate_cagr, (100, 1.0, 1.5))
    timed = _per_call(on, (100, 1.0, 1.5))
    print(f"calculate_cagr per call: bare {bare * 1e6:.2f} us, monitored {timed * 1e6:.2f} us")
    assert timed - bare < 20e-6  # a few microseconds per call when on


def test_mismatched_signatures_are_refused(monkeypatch, caplog):
    """A function whose signature differs from Freqtrade's / TA-Lib's is not patched."""
    def calculate_sqn(trades, starting_balance=0.0):  # Freqtrade's has no default
        raise AssertionError("must not be called")

    def SMA(real, timeperiod=20):  # TA-Lib's default is 30
        raise AssertionError("must not be called")

    originals = talib.SMA, talib.abstract.SMA
    monkeypatch.setattr(fm, "calculate_sqn", calculate_sqn)
    monkeypatch.setattr(fta, "SMA", SMA)
    with caplog.at_level(logging.WARNING, logger="ftaccel"):
        report = ftint.install(conf(optimization_phase="progressive"))
    assert set(report["refused"]) == {"metrics.calculate_sqn", "indicators.SMA", "qtpylib.rsi"}
    assert "signature differs" in report["refused"]["metrics.calculate_sqn"]
    assert "timeperiod" in report["refused"]["indicators.SMA"]
    assert "calculate_sqn" not in report["metrics"] and "SMA" not in report["indicators"]
    assert ftm.calculate_sqn is ORIGINAL_METRICS["calculate_sqn"]
    assert (talib.SMA, talib.abstract.SMA) == originals
    assert "EMA" in report["indicators"]
    assert sum("not patched (Freqtrade's stays)" in r.getMessage() for r in caplog.records) == 3


def _vendored_qtpylib():
    import warnings

    with warnings.catch_warnings():  # deprecated in favour of technical.qtpylib
        warnings.simplefilter("ignore", FutureWarning)
        return importlib.import_module("freqtrade.vendor.qtpylib.indicators")


def test_qtpylib_progressive_patches_technical_and_the_vendored_copy():
    import technical.qtpylib as tq

    import ftaccel.qtpylib as fq

    vendored = _vendored_qtpylib()  # imported before install: patched by identity
    before = identity_snapshot()
    original_rsi = tq.rsi
    report = ftint.install(conf(optimization_phase="progressive"))
    try:
        names = report["qtpylib"]
        assert {"crossed_above", "crossed_below", "rolling_mean", "bollinger_bands",
                "typical_price", "atr", "stoch"} <= set(names)
        assert "rsi" not in names and "last bits" in report["refused"]["qtpylib.rsi"]
        for name in names:
            assert getattr(tq, name) is getattr(fq, name)
            assert getattr(vendored, name) is getattr(fq, name)
        assert tq.rsi is original_rsi and vendored.rsi is original_rsi
        assert ("technical.qtpylib", "crossed_above") in ftint.patches()
    finally:
        ftint.uninstall()
    assert_same_objects(before, identity_snapshot())
    ftint.install(conf(optimization_phase="conservative"))
    try:
        assert tq.crossed_above is before["technical.qtpylib"]["crossed_above"]
    finally:
        ftint.uninstall()


def test_patched_qtpylib_helpers_are_bit_identical_to_technical(real_candles):
    """Every helper install() puts in place of technical.qtpylib's gives the very same
    result (values, NaNs, index, names) on real and adversarial candles."""
    import technical.qtpylib as tq
    from test_qtpylib import _frames

    import ftaccel.qtpylib as fq

    names = ftint._install_qtpylib(settings(), {})  # the names, patched...
    ftint.uninstall()
    ftint._undo()  # ...and put back at once
    assert all(callable(getattr(tq, n)) and getattr(tq, n) is not getattr(fq, n) for n in names)
    series = {"rolling_mean", "rolling_std", "rolling_min", "rolling_max", "sma", "macd",
              "bollinger_bands", "returns", "log_returns", "rolling_weighted_mean", "wma",
              "hma", "hull_moving_average", "weighted_bollinger_bands", "roc", "zlema"}
    pairwise = {"crossed", "crossed_above", "crossed_below"}
    args = {"zlema": {"window": 21}, "hma": {"window": 16}, "wma": {"window": 20},
            "hull_moving_average": {"window": 9}}
    variants = {"atr": [{"exp": True}, {"window": 5}], "stoch": [{"fast": True}],
                "rolling_vwap": [{"window": 20, "min_periods": 3}],
                "macd": [{"fast": 5, "slow": 12, "smooth": 3}], "roc": [{"window": 3}],
                **{f: [{"window": 20, "min_periods": 5}, {"window": 1}, {"window": 5000}]
                   for f in ("rolling_mean", "rolling_std", "rolling_min", "rolling_max",
                             "sma")}}
    checked = set()
    for _, df in _frames(real_candles):
        for name in names:
            if name == "vwap":  # both refuse it (lookahead bias), with the same message
                with pytest.raises(ValueError, match="lookahead") as ours:
                    fq.vwap(df)
                with pytest.raises(ValueError, match="lookahead") as ref:
                    tq.vwap(df)
                assert str(ours.value) == str(ref.value)
                checked.add(name)
                continue
            if name in pairwise:
                fast, slow = tq.sma(df["close"], 5), tq.sma(df["close"], 20)
                calls = [(fast, slow), (df["close"], 100.0)]
                kws = [{}]
            else:
                calls = [(df["close"] if name in series else df,)]
                kws = [args.get(name, {})] + variants.get(name, [])
            for call in calls:
                for kw in kws:
                    with np.errstate(all="ignore"):
                        ours, ref = getattr(fq, name)(*call, **kw), getattr(tq, name)(*call, **kw)
                    if isinstance(ref, pd.DataFrame):
                        pd.testing.assert_frame_equal(ours, ref, check_exact=True)
                    else:
                        pd.testing.assert_series_equal(ours, ref, check_exact=True)
                    checked.add(name)
    assert checked == set(names)


def test_qtpylib_rsi_is_refused_because_it_differs(real_candles):
    """The one helper left out is left out for a reason: its results are not identical."""
    import technical.qtpylib as tq
    from test_qtpylib import _frames

    import ftaccel.qtpylib as fq

    differ = 0
    for _, df in _frames(real_candles):
        with np.errstate(all="ignore"):
            ours, ref = fq.rsi(df["close"]), tq.rsi(df["close"])
        differ += not ours.equals(ref)  # the seed: sequential vs numpy's pairwise sum
        pd.testing.assert_series_equal(ours, ref, check_exact=False, rtol=1e-9)
    assert differ


def test_summary_table_printed_at_exit(tmp_path):
    import subprocess

    code = ("import pandas as pd, ftaccel.freqtrade as f, freqtrade.data.metrics as m\n"
            "f.install({'performance_optimization': {'performance_benchmarking': True}})\n"
            "m.calculate_expectancy(pd.DataFrame({'profit_abs': [1.0, -0.5, 0.25]}))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTACCEL_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ftaccel performance" in done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("calculate_expectancy"))
    assert line.split()[1] == "1" and line.split()[-1] == "compiled"


def test_stats_says_what_is_installed():
    assert ftaccel.stats()["freqtrade"] == {}
    report = ftint.install(conf())
    assert ftaccel.stats()["freqtrade"] == report == ftint.report()
    ftint.uninstall()
    assert ftaccel.stats()["freqtrade"] == {}


def test_missing_talib_is_a_clear_error(monkeypatch):
    before = identity_snapshot()
    for name in [m for m in sys.modules if m == "talib" or m.startswith("talib.")]:
        monkeypatch.setitem(sys.modules, name, None)  # import talib now raises ImportError
    with pytest.raises(ImportError, match="talib is not installed"):
        ftint.install(conf(optimization_phase="progressive"))
    assert not ftint.installed() and ftint.patches() == []
    monkeypatch.undo()
    assert_same_objects(before, identity_snapshot())  # the metrics patched first are undone
