"""Project hygiene: lint clean, and the CLI's main job runs."""

import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_ruff_clean():
    ruff = shutil.which("ruff") or [sys.executable, "-m", "ruff"]
    cmd = [ruff] if isinstance(ruff, str) else ruff
    out = subprocess.run([*cmd, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_cli_bench_and_verify_run():
    bench = subprocess.run([sys.executable, "-m", "ftaccel", "bench", "--size", "20000",
                            "--repeat", "1"], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert bench.returncode == 0, bench.stderr
    assert "SMA" in bench.stdout and "calculate_max_drawdown" in bench.stdout
    verify = subprocess.run([sys.executable, "-m", "ftaccel", "verify"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "FAIL" not in verify.stdout


def test_cli_bench_exports_and_flags_regressions(tmp_path):
    """--json/--csv export; --compare exits 1 naming a function whose ratio fell."""
    import json

    base = tmp_path / "base.json"
    run = [sys.executable, "-m", "ftaccel", "bench", "--size", "3000", "--repeat", "1"]
    out = subprocess.run([*run, "--json", str(base), "--csv", str(tmp_path / "b.csv")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    saved = json.loads(base.read_text())
    assert saved["ratios"]["SMA"] > 0 and len(saved["rows"]) == len(saved["ratios"])
    assert (tmp_path / "b.csv").read_text().startswith(("backend,", "compiled_s,"))
    saved["ratios"]["SMA"] *= 1000.0  # a baseline SMA could never reach again
    base.write_text(json.dumps(saved))
    out = subprocess.run([*run, "--compare", str(base)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "REGRESSION SMA:" in out.stdout
