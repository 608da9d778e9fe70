"""The distribution, proven locally: sdist -> wheel -> manylinux wheel -> clean environments.

The kernels are compiled once per session (a copy of the source tree -> sdist -> wheel built
from that sdist, so the sdist is complete), then ``auditwheel repair`` gives a manylinux
wheel that is installed into fresh virtual environments with no numba, no llvmlite and no
build step:

* ``runtime``: ``pip install ftaccel-*.whl`` resolving numpy/pandas from the package index,
  as the Dockerfile's runtime stage and cibuildwheel's test step do;
* ``floor``: the oldest declared numpy/pandas first, then the wheel with
  ``--no-deps --no-build-isolation``.

Each runs ``tests/smoke_installed.py`` (no numba importable, every family compiled, one
hand-checked result per family) and ``python -m ftaccel verify``.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "tests" / "smoke_installed.py"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FAMILIES = ("indicators", "metrics", "backtest")
EXT = sysconfig.get_config_var("EXT_SUFFIX")
X86_64 = platform.machine().lower() in ("x86_64", "amd64")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="manylinux: Linux only"),
]


def _run(cmd, cwd=None, env=None, timeout=900):
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, (f"{cmd} -> {result.returncode}\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def _floor(package: str) -> str:
    """The version floor ``pyproject`` declares for a runtime dependency."""
    for req in PYPROJECT["project"]["dependencies"]:
        match = re.fullmatch(rf"{package}>=([\d.]+)", req.replace(" ", ""))
        if match:
            return match.group(1)
    raise AssertionError(f"no {package}>= floor in {PYPROJECT['project']['dependencies']}")


_BUILT: dict = {}


@pytest.fixture(scope="session")
def dist(tmp_path_factory):
    """Build once: source copy -> sdist -> wheel (from the sdist) -> auditwheel repair."""
    if "error" in _BUILT:  # a failed build is not retried for every test
        pytest.fail(f"build failed earlier: {_BUILT['error'][:2000]}")
    try:
        return _build(tmp_path_factory.mktemp("dist"))
    except AssertionError as exc:
        _BUILT["error"] = str(exc)
        raise


def _build(tmp: Path) -> dict:
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", "*.so", "*.pyd", "*.dylib",
        ".venv", ".hypothesis", ".pytest_cache", ".ruff_cache", "*.whl", "*.tar.gz"))
    out = tmp / "out"
    name = _run([sys.executable, "-c",
                 "import sys, setuptools.build_meta as b; print(b.build_sdist(sys.argv[1]))",
                 out], cwd=src).strip().splitlines()[-1]
    sdist = out / name
    raw = tmp / "raw"
    _run([sys.executable, "-m", "pip", "wheel", sdist, "--no-deps", "--no-build-isolation",
          "-w", raw])
    (wheel,) = raw.glob("*.whl")
    repaired = tmp / "wheelhouse"
    _run([sys.executable, "-m", "auditwheel", "repair", wheel, "-w", repaired])
    (manylinux,) = repaired.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel, "manylinux": manylinux, "tmp": tmp}


def test_sdist_is_complete(dist):
    with tarfile.open(dist["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for required in ("setup.py", "build_kernels.py", "pyproject.toml", "README.md",
                     "ftaccel/_backend.py", "ftaccel/kernels/__init__.py",
                     "ftaccel/kernels/indicators/__init__.py",
                     "ftaccel/fallback/indicators/__init__.py", "ftaccel/_ta/__init__.py"):
        assert required in names, required
    assert not [n for n in names if n.endswith((".so", ".pyd", ".whl"))]


def test_wheel_contents(dist):
    """Every package and the three compiled modules; tagged manylinux after repair."""
    assert re.search(r"-cp\d+-cp\d+-manylinux_\d+_\d+_x86_64\.whl$|manylinux.*aarch64\.whl$",
                     dist["manylinux"].name), dist["manylinux"].name
    with zipfile.ZipFile(dist["manylinux"]) as zf:
        names = set(zf.namelist())
    for family in FAMILIES:
        assert f"ftaccel/_aot_{family}{EXT}" in names, family
    # The optional FMA build of the recurrence kernels: on x86-64 only.
    assert (f"ftaccel/_aot_indicators_fma{EXT}" in names) == X86_64, sorted(names)
    source_pkgs = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "ftaccel").rglob("__init__.py")}
    for pkg in source_pkgs:
        assert f"{pkg}/__init__.py" in names, pkg
    # Nothing of numba in the wheel: no bundled library, no runtime requirement.
    assert not [n for n in names if "numba" in n.lower() or "llvmlite" in n.lower()]
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(dist["manylinux"]) as zf:
        requires = [line for line in zf.read(meta).decode().splitlines()
                    if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert sorted(r.split(":", 1)[1].split(">")[0].strip() for r in requires) == [
        "numpy", "pandas"], requires


def _venv(path: Path) -> Path:
    _run([sys.executable, "-m", "venv", "--without-pip", path])
    return path / "bin" / "python"


def _pip(python: Path, *args):
    return _run([sys.executable, "-m", "pip", "--python", python, "install",
                 "--disable-pip-version-check", "--no-compile", "-q", *args])


def _check_installed(python: Path, cwd: Path, reference: str | None = None):
    """What the Dockerfile's runtime stage and cibuildwheel's test step run."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FTACCEL_", "PYTHON", "VIRTUAL_ENV"))}
    # (PYTHONDONTWRITEBYTECODE dropped too: the venv's bytecode is written once, not
    # recompiled from source in every process.)
    probe = subprocess.run([python, "-c", "import numba"], cwd=cwd, env=env,
                           capture_output=True, text=True)
    assert probe.returncode != 0 and "No module named 'numba'" in probe.stderr
    out = _run([python, SMOKE], cwd=cwd, env=env)
    assert "smoke ok" in out and "site-packages" in out, out
    info = _run([python, "-m", "ftaccel", "info"], cwd=cwd, env=env)
    assert info.count("backend: compiled") == len(FAMILIES), info
    assert "target CPU 'x86-64'" in info or "target CPU 'generic'" in info, info
    if X86_64:  # the FMA module is in the wheel; used exactly when the CPU allows it
        from ftaccel import _backend

        cpu_ok = all(_backend._cpu_features().get(f) for f in _backend.FMA_CPU_FEATURES)
        assert ("FMA module: used for" in info) == cpu_ok, info
    verify = _run([python, "-m", "ftaccel", "verify"], cwd=cwd, env=env)
    assert "FAIL" not in verify and verify.count("ok  ") >= 3, verify
    if reference:  # every indicator line was compared with the reference too
        import ftaccel.ta

        names = set(ftaccel.ta.get_functions())
        lines = [line for line in verify.splitlines()
                 if line.startswith("ok  ") and line[4:].split(":")[0].strip() in names]
        assert len(lines) == len(names), verify
        assert all(f"and {reference}" in line for line in lines), verify
    return out


def _test_requirement(name: str) -> str:
    return next(r for r in PYPROJECT["project"]["optional-dependencies"]["test"]
                if r.lower().startswith(name))


def test_runtime_environment(dist):
    """pip install of the manylinux wheel into a fresh venv (deps from the index), plus
    TA-Lib so that ``verify`` also checks the installed kernels against it."""
    venv = dist["tmp"] / "runtime"
    python = _venv(venv)
    _pip(python, dist["manylinux"], _test_requirement("ta-lib"))
    out = _check_installed(python, venv, reference="TA-Lib")
    assert "numpy 2." in out


def test_oldest_declared_dependencies(dist):
    """numpy/pandas at the declared floor, then the wheel with no deps and no build."""
    venv = dist["tmp"] / "floor"
    python = _venv(venv)
    numpy, pandas = _floor("numpy"), _floor("pandas")
    _pip(python, f"numpy=={numpy}.*", f"pandas=={pandas}.*")
    _pip(python, "--no-deps", "--no-build-isolation", dist["manylinux"])
    out = _check_installed(python, venv)
    assert f"numpy {numpy}" in out and f"pandas {pandas}" in out, out


def test_dockerfile_mirrors_the_venv_steps():
    """The Dockerfile (no Docker engine in CI) runs the steps the tests above run: a build
    stage that makes the wheel, a runtime stage with no numba and no compiler that installs
    it and runs the same smoke test and verify."""
    text = (ROOT / "Dockerfile").read_text()
    stages = re.split(r"(?m)^FROM ", text)[1:]
    assert len(stages) == 2, "expected a build stage and a runtime stage"
    build, runtime = stages
    assert "pip wheel" in build and "AS build" in build
    assert "--from=build" in runtime
    runtime_cmds = "\n".join(line for line in runtime.splitlines()
                             if not line.lstrip().startswith("#"))
    for absent in ("numba", "llvmlite", "gcc", "build-essential", "apt-get"):
        assert absent not in runtime_cmds, absent
    for step in ("pip install", "smoke_installed.py", "ftaccel verify"):
        assert step in runtime_cmds, step
