"""The ftaccel-freqtrade console script: Freqtrade's CLI with install() from its configs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import tomllib
from freqtrade_harness import offline_exchange, setup

import ftaccel
from ftaccel import freqtrade as ftint
from ftaccel import monitor

ROOT = Path(__file__).resolve().parents[1]
RUN_MAIN = "import sys; from ftaccel.freqtrade import main; main(sys.argv[1:])"


def test_console_script_declared():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, func = scripts["ftaccel-freqtrade"].split(":")
    assert module == "ftaccel.freqtrade" and callable(getattr(ftint, func))


def _cli(tmp_path, block, *args):
    conf = json.loads((tmp_path / "config.json").read_text())
    conf["performance_optimization"] = block
    (tmp_path / "config.json").write_text(json.dumps(conf))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTACCEL_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", RUN_MAIN, *args, "-c",
                           str(tmp_path / "config.json"), "--userdir", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_cli_installs_from_config_and_refuses_bad_block(tmp_path, real_candles):
    setup(tmp_path, real_candles)
    ok = _cli(tmp_path, {"optimization_phase": "progressive",
                         "numba_cache_directory": "user_data/numba_cache"}, "show-config")
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert "metrics: " in ok.stderr and "indicators: " in ok.stderr
    assert ok.stderr.count("numba_cache_directory") == 1
    assert '"optimization_phase": "progressive"' in ok.stdout  # Freqtrade accepted the block

    bad = _cli(tmp_path, {"optimization_phase": "turbo"}, "show-config")
    assert bad.returncode == 2
    assert "optimization_phase" in bad.stderr and "conservative" in bad.stderr


@pytest.mark.slow
def test_cli_backtesting_runs_on_ftaccel(tmp_path, real_candles):
    """``ftaccel-freqtrade backtesting -c config.json`` in process, offline."""
    setup(tmp_path, real_candles)
    conf = json.loads((tmp_path / "config.json").read_text())
    conf["performance_optimization"] = {"optimization_phase": "progressive",
                                        "performance_benchmarking": True}
    (tmp_path / "config.json").write_text(json.dumps(conf))
    monitor.reset()
    try:
        # Freqtrade's main() sets the process-wide multiprocessing start method: not here
        with offline_exchange(), pytest.raises(SystemExit) as done, \
                mock.patch("freqtrade.main.set_mp_start_method"):
            ftint.main(["backtesting", "-c", str(tmp_path / "config.json"),
                        "--strategy", "FtaccelProof", "--userdir", str(tmp_path),
                        "--datadir", str(tmp_path / "data"), "--export", "none"])
        assert done.value.code in (None, 0)
        used = {r["function"] for r in ftaccel.stats()["functions"]}
        assert {"RSI", "EMA", "calculate_max_drawdown", "calculate_sharpe"} <= used
    finally:
        ftint.uninstall()
        monitor.reset()
