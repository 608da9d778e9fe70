"""The cold-start benchmark's machinery (its timings are reported, never asserted)."""

from __future__ import annotations

import inspect
import re

from freqtrade.templates import sample_strategy

from ftaccel import coldstart


def test_strategy_set_is_freqtrades_sample_strategy():
    """SAMPLE_STRATEGY lists the TA-Lib calls left active in Freqtrade's sample strategy."""
    source = inspect.getsource(sample_strategy.SampleStrategy.populate_indicators)
    active = [line.split("#")[0] for line in source.splitlines()]
    called = {m for line in active for m in re.findall(r"\bta\.([A-Z_]+)\(", line)}
    assert called == set(coldstart.SAMPLE_STRATEGY)
    assert any("qtpylib.bollinger_bands(qtpylib.typical_price" in line for line in active)
    names = coldstart.strategy_names()
    assert set(names) <= called and {"RSI", "TEMA"} <= set(names)


def _scenario(label):
    return next(s for s in coldstart._scenarios(coldstart.strategy_names(), "unused", "unused")
                if s[0] == label)


def test_compiled_scenario_runs_without_numba(tmp_path):
    label, code, env = _scenario("strategy set: compiled")
    env = dict(env, PYTHONPYCACHEPREFIX=str(tmp_path))
    ms, cpu, rss, numba_loaded, added, _ = coldstart._run_once(code + coldstart._CHILD_END, env)
    assert not numba_loaded and ms > 0 and cpu > 0 and rss > 0
    assert 0 < added < ms


def test_jit_scenario_uses_numba(tmp_path):
    label, code, env = _scenario("backtest: numba JIT, no cache")
    env = dict(env, PYTHONPYCACHEPREFIX=str(tmp_path), NUMBA_CACHE_DIR=str(tmp_path / "nb"))
    ms, cpu, rss, numba_loaded, added, _ = coldstart._run_once(code + coldstart._CHILD_END, env)
    assert numba_loaded and 0 < added < ms
