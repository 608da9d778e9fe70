"""ftaccel.config: the performance_optimization block of a Freqtrade config."""

from __future__ import annotations

import json
import logging

import pytest

from ftaccel import config as cfg

NO_ENV: dict = {}


def test_defaults():
    s = cfg.parse({}, NO_ENV)
    assert s.enable_numba_optimization and s.fallback_on_numba_error
    assert not s.performance_benchmarking and not s.detailed_performance_logging
    assert s.optimization_phase == "conservative"
    assert s.modules == ("metrics",)
    assert s.numba_parallel_threads == "auto" and s.threads >= 1


@pytest.mark.parametrize("phase, modules", [
    ("conservative", ("metrics",)),
    ("progressive", ("metrics", "indicators")),
    ("aggressive", ("metrics", "indicators", "backtesting")),
])
def test_phases(phase, modules):
    assert cfg.parse({"optimization_phase": phase}, NO_ENV).modules == modules


def test_enabled_modules_override_phase_and_master_switch():
    s = cfg.parse({"optimization_phase": "aggressive",
                   "enabled_modules": ["indicators", "metrics", "indicators"]}, NO_ENV)
    assert s.modules == ("metrics", "indicators")
    assert cfg.parse({"enabled_modules": []}, NO_ENV).modules == ()
    off = cfg.parse({"enable_numba_optimization": False, "enabled_modules": ["metrics"]}, NO_ENV)
    assert off.modules == ()


def test_seed_example_config_is_accepted(tmp_path):
    conf = {"stake_currency": "BTC", "performance_optimization": {
        "enable_numba_optimization": True, "optimization_phase": "progressive",
        "enabled_modules": ["metrics", "indicators"], "fallback_on_numba_error": True,
        "performance_benchmarking": False, "numba_cache_directory": "user_data/numba_cache",
        "numba_parallel_threads": 3, "detailed_performance_logging": True}}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(conf))
    for source in (conf, path, str(path)):
        s = cfg.load(source, NO_ENV)
        assert s.modules == ("metrics", "indicators") and s.threads == 3
        assert s.detailed_performance_logging
    assert cfg.load({"stake_currency": "BTC"}, NO_ENV) == cfg.Settings()
    assert cfg.load(None, NO_ENV) == cfg.Settings()


@pytest.mark.parametrize("block, key, allowed", [
    ({"enable_numba": True}, "enable_numba", "enable_numba_optimization"),
    ({"cache_persistence": False}, "cache_persistence", "numba_cache_directory"),
    ({"optimization_phase": "experimental"}, "optimization_phase", "aggressive"),
    ({"optimization_phase": None}, "optimization_phase", "conservative"),
    ({"enabled_modules": ["metrics", "all"]}, "enabled_modules", "backtesting"),
    ({"enabled_modules": "metrics"}, "enabled_modules", "a list of"),
    ({"enable_numba_optimization": "yes"}, "enable_numba_optimization", "true or false"),
    ({"fallback_on_numba_error": 1}, "fallback_on_numba_error", "true or false"),
    ({"performance_benchmarking": None}, "performance_benchmarking", "true or false"),
    ({"numba_parallel_threads": 0}, "numba_parallel_threads", '"auto"'),
    ({"numba_parallel_threads": "4"}, "numba_parallel_threads", '"auto"'),
    ({"numba_parallel_threads": True}, "numba_parallel_threads", '"auto"'),
    ({"numba_cache_directory": 5}, "numba_cache_directory", "path"),
])
def test_bad_values_name_key_and_allowed(block, key, allowed):
    with pytest.raises(ValueError) as err:
        cfg.parse(block, NO_ENV)
    assert key in str(err.value) and allowed in str(err.value)


def test_block_must_be_an_object():
    with pytest.raises(ValueError, match="performance_optimization"):
        cfg.load({"performance_optimization": ["metrics"]}, NO_ENV)
    with pytest.raises(TypeError, match="config"):
        cfg.load(42, NO_ENV)


def test_environment_overrides_config():
    block = {"optimization_phase": "aggressive", "performance_benchmarking": False}
    env = {"FTACCEL_PHASE": "progressive", "FTACCEL_BENCHMARK": "on", "FTACCEL_THREADS": "2",
           "FTACCEL_FALLBACK": "0", "FTACCEL_DETAILED_LOGGING": "", "FTACCEL_CACHE_DIR": "/c"}
    s = cfg.parse(block, env)
    assert s.modules == ("metrics", "indicators")
    assert s.performance_benchmarking and not s.fallback_on_numba_error and s.threads == 2
    assert not s.detailed_performance_logging  # empty variable: unset
    assert s.numba_cache_directory == "/c"
    assert s.sources["optimization_phase"] == "FTACCEL_PHASE"
    s = cfg.parse({"enabled_modules": ["metrics"]}, {"FTACCEL_MODULES": "indicators, backtesting"})
    assert s.modules == ("indicators", "backtesting")
    assert cfg.parse({}, {"FTACCEL_ENABLE": "false"}).modules == ()


@pytest.mark.parametrize("env, var", [
    ({"FTACCEL_ENABLE": "maybe"}, "FTACCEL_ENABLE"),
    ({"FTACCEL_PHASE": "turbo"}, "FTACCEL_PHASE"),
    ({"FTACCEL_MODULES": "metrics,plots"}, "FTACCEL_MODULES"),
    ({"FTACCEL_THREADS": "many"}, "FTACCEL_THREADS"),
    ({"FTACCEL_THREADS": "-1"}, "FTACCEL_THREADS"),
])
def test_bad_environment_names_variable(env, var):
    with pytest.raises(ValueError, match=var):
        cfg.parse({}, env)


def test_cache_directory_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(cfg, "_cache_dir_noted", False)
    s = cfg.parse({"numba_cache_directory": "user_data/numba_cache"}, NO_ENV)
    with caplog.at_level(logging.INFO, logger="ftaccel"):
        cfg.note_ignored(s)
        cfg.note_ignored(s)
    hits = [r for r in caplog.records if "numba_cache_directory" in r.getMessage()]
    assert len(hits) == 1 and "no effect" in hits[0].getMessage()
