"""The CI definitions cannot run here, so they are checked statically: actionlint on every
workflow, cibuildwheel's own reading of ``[tool.cibuildwheel]``, and the promises the
README makes about them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _actionlint(*args, cwd=ROOT):
    exe = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    return subprocess.run([exe, "-no-color", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"tests.yml", "wheels.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_clean(workflow):
    result = _actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_errors(tmp_path):
    """The lint is live: an unknown runner label and a bad expression are reported."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-lates\n"
                   "    steps:\n      - run: echo ${{ matrix.nope }}\n")
    result = _actionlint(bad, cwd=tmp_path)
    assert result.returncode == 1
    assert "ubuntu-lates" in result.stdout and "matrix" in result.stdout


def _identifiers(platform: str) -> set[str]:
    exe = shutil.which("cibuildwheel") or str(Path(sys.executable).parent / "cibuildwheel")
    result = subprocess.run([exe, "--print-build-identifiers", "--platform", platform],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_cibuildwheel_matrix():
    """cibuildwheel's own reading of pyproject: CPython 3.10-3.14 on manylinux x86_64 and
    aarch64, macOS x86_64 and arm64, Windows amd64; only what numba lacks is skipped."""
    pythons = ("cp310", "cp311", "cp312", "cp313", "cp314")
    expected = {
        "linux": {f"{py}-manylinux_{arch}" for py in pythons for arch in ("x86_64", "aarch64")},
        "macos": {f"{py}-macosx_{arch}" for py in pythons for arch in ("x86_64", "arm64")}
        - {"cp314-macosx_x86_64"},  # numba's Intel macOS wheels end at 3.13
        "windows": {f"{py}-win_amd64" for py in pythons},
    }
    for platform, ids in expected.items():
        assert _identifiers(platform) == ids, platform


def test_cibuildwheel_tests_without_numba():
    cfg = PYPROJECT["tool"]["cibuildwheel"]
    commands = " ".join(cfg["test-command"])
    assert "smoke_installed.py" in commands and "ftaccel verify" in commands
    # Nothing the test environment installs may bring numba back.
    assert not any("numba" in r or "llvmlite" in r for r in cfg.get("test-requires", []))
    assert not any("numba" in r or "llvmlite" in r for r in PYPROJECT["project"]["dependencies"])
    assert cfg["linux"]["manylinux-x86_64-image"] == "manylinux_2_28"


def test_wheels_workflow_covers_every_os():
    text = (ROOT / ".github" / "workflows" / "wheels.yml").read_text()
    for needle in ("pypa/cibuildwheel@", "ubuntu-latest", "ubuntu-24.04-arm", "macos-15-intel",
                   "macos-14", "windows-latest", "build --sdist", "upload-artifact",
                   "gh-action-pypi-publish", "refs/tags/v"):
        assert needle in text, needle


def test_tests_workflow_runs_the_readme_command():
    """tests.yml runs .ci/run, and .ci/run's command is the README's test command."""
    assert "bash .ci/run" in (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in (ROOT / "README.md").read_text(), ci
