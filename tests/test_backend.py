"""Backend selection, error fallback, strict mode, import hygiene and the GIL."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import util

import ftaccel
import ftaccel.ta as ta
from ftaccel import _backend
from ftaccel.kernels import FAMILIES, exports

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code: str, **env) -> str:
    """Environment variables choosing a backend are dropped, others kept."""
    return util.run_python(code, drop="FTACCEL_BACKEND", **env)


def test_info_reports_every_family():
    data = ftaccel.info()
    assert set(data["families"]) == set(FAMILIES)
    for name, fam in data["families"].items():
        assert fam["backend"] == "compiled", fam["reason"]
        build = fam["build"]
        assert build["target_cpu"] in ("x86-64", "generic")
        assert build["kernels"] == sorted(exports(name))
        assert build["numba"] and build["numpy"]


def test_cli_info_prints_readably():
    out = subprocess.run([sys.executable, "-m", "ftaccel", "info"], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout
    for name in FAMILIES:
        assert f"[{name}] backend: compiled" in out
    assert "target CPU 'x86-64'" in out or "target CPU 'generic'" in out


def test_env_forces_numpy_for_all_or_one_family():
    code = """
        import ftaccel
        print({k: v['backend'] for k, v in ftaccel.info()['families'].items()})
    """
    assert "'indicators': 'numpy', 'metrics': 'numpy', 'backtest': 'numpy'" in run_python(
        code, FTACCEL_BACKEND="numpy")
    out = run_python(code, FTACCEL_BACKEND_METRICS="numpy")
    assert "'metrics': 'numpy'" in out and "'indicators': 'compiled'" in out


def test_env_rejects_unknown_backend():
    out = subprocess.run([sys.executable, "-c", "import ftaccel; ftaccel.info()"],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "FTACCEL_BACKEND": "gpu"})
    assert out.returncode != 0 and "FTACCEL_BACKEND='gpu'" in out.stderr


def test_missing_compiled_module_falls_back_with_reason():
    code = """
        import sys
        sys.modules['ftaccel._aot_indicators'] = None  # import of it now fails
        import numpy as np, ftaccel, ftaccel.ta as ta
        fam = ftaccel.info()['families']['indicators']
        print(fam['backend'], '|', fam['reason'])
        print(ta.SMA(np.arange(10.0), 3)[-1])
        print(ftaccel.info()['families']['metrics']['backend'])
    """
    out = run_python(code).splitlines()
    assert out[0].startswith("numpy | compiled module ftaccel._aot_indicators unavailable")
    assert "ModuleNotFoundError" in out[0]
    assert float(out[1]) == 8.0
    assert out[2] == "compiled"


def test_importing_ftaccel_never_imports_numba():
    code = """
        import sys
        import ftaccel, ftaccel.ta, ftaccel.metrics, ftaccel.backtest, ftaccel.bench
        import numpy as np
        ftaccel.ta.RSI(np.random.rand(100)); ftaccel.info()
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite')))
    """
    assert run_python(code).strip() == "[]"


def test_works_with_numba_uninstalled():
    """numba and llvmlite made unimportable (as on a machine without them)."""
    code = """
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('numba', 'llvmlite'):
                    raise ImportError(f'{name} is not installed')
        sys.meta_path.insert(0, Block())
        import numpy as np, ftaccel, ftaccel.ta as ta
        assert all(f['backend'] == 'compiled' for f in ftaccel.info()['families'].values())
        print(ta.SMA(np.arange(10.0), 3)[-1])
        from ftaccel.__main__ import main
        sys.exit(main(['verify', '--size', '500']))
    """
    out = run_python(code)
    assert out.splitlines()[0] == "8.0" and "FAIL" not in out


class Broken:
    """A compiled module whose every kernel raises."""

    def __getattr__(self, name):
        def fail(*args):
            raise RuntimeError("boom")
        return fail


def test_compiled_error_falls_back_counts_and_disables(monkeypatch, caplog):
    fam = _backend.family("indicators")
    monkeypatch.setenv("FTACCEL_STRICT", "0")

    monkeypatch.setattr(fam, "module", Broken())
    monkeypatch.setattr(fam, "failures", {})
    monkeypatch.setattr(fam, "disabled", set())
    x = np.arange(20.0)
    for _ in range(_backend.MAX_FAILURES + 2):
        np.testing.assert_allclose(ta.SMA(x, 4)[3:], np.arange(1.5, 18.5))
    # first_valid1 and sma both failed; each counted up to the limit, then disabled
    assert fam.failures["sma"] == _backend.MAX_FAILURES
    assert "sma" in fam.disabled
    assert sum("failed on the compiled backend" in r.message for r in caplog.records) == 2
    assert ftaccel.info()["families"]["indicators"]["failures"]["sma"] == 3


def test_strict_mode_raises(monkeypatch):
    fam = _backend.family("metrics")
    monkeypatch.setenv("FTACCEL_STRICT", "1")

    monkeypatch.setattr(fam, "module", Broken())
    with pytest.raises(RuntimeError, match="boom"):
        ftaccel.metrics.drawdown_series(np.ones(3))


def test_jit_backend_gives_the_same_results():
    pytest.importorskip("numba")  # dev-only backend; numba is in the test environment
    x = np.random.default_rng(0).random(500) * 100
    fam = _backend.family("indicators")
    saved = fam.module
    fam.module = fam._compiled  # the portable module (the JIT does not contract to FMA)
    try:
        expected = ta.RSI(x)
    finally:
        fam.module = saved
    fam.set("jit")
    try:
        assert fam.backend == "jit"
        np.testing.assert_array_equal(ta.RSI(x), expected)
    finally:
        fam.set("compiled")


def test_every_kernel_has_a_fallback_with_the_same_signature():
    import importlib
    import inspect

    for family in FAMILIES:
        fallback = importlib.import_module(f"ftaccel.fallback.{family}")
        for name, (func, _sig) in exports(family).items():
            twin = getattr(fallback, name, None)
            assert twin is not None, f"{family}.{name} has no fallback"
            params = list(inspect.signature(func).parameters)
            twin_params = inspect.signature(twin).parameters
            assert list(twin_params) == params or any(
                p.kind == p.VAR_POSITIONAL for p in twin_params.values()), name


def test_compiled_calls_release_the_gil():
    """A long kernel call in one thread leaves another Python thread running."""
    x = np.random.default_rng(1).random(20_000_000)
    t0 = time.perf_counter()
    ta.SMA(x, 10)
    single = time.perf_counter() - t0
    ticks = 0
    done = threading.Event()

    def kernel():
        for _ in range(3):
            ta.SMA(x, 10)
        done.set()

    thread = threading.Thread(target=kernel)
    start = time.perf_counter()
    thread.start()
    while not done.is_set():
        ticks += 1
    thread.join()
    elapsed = time.perf_counter() - start
    # with the GIL held the main thread would get only switch-interval slices; free, it
    # spins the whole time. Compare against the same loop run alone for that long.
    t1 = time.perf_counter()
    alone = 0
    while time.perf_counter() - t1 < elapsed:
        alone += 1
    assert single > 0
    assert ticks > 0.2 * alone, (ticks, alone)


def _vm_flags(address: int) -> list[str]:
    """The VmFlags of the mapping of this process that holds ``address`` (Linux)."""
    flags, inside = [], False
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(None, 1)[0]
            if "-" in head and ":" not in head:
                lo, hi = (int(v, 16) for v in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "VmFlags:":
                flags = line.split()[1:]
    return flags


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise hint is Linux-only")
def test_large_kernel_outputs_are_advised_into_huge_pages():
    """As numpy does for its arrays of 4 MiB or more, so a fresh 1e6-row output is not
    faulted in 4 KiB at a time (which made multi-output calls slower than TA-Lib's)."""
    for family in FAMILIES:
        module = importlib.import_module(f"ftaccel._aot_{family}")
        with open(module.__file__, "rb") as f:
            assert b"madvise" in f.read(), family
    if _backend.family("indicators").backend != "compiled":
        pytest.fail("the compiled indicators backend is not in use")
    big = ta.SMA(np.ones(2_000_000), 5)  # 16 MB: huge-page advised
    flags = _vm_flags(big.ctypes.data + big.nbytes // 2)
    # where the kernel has transparent huge pages and reports mapping flags (not every
    # sandboxed kernel does), the array's mapping carries the advice
    if flags and os.path.exists("/sys/kernel/mm/transparent_hugepage/enabled"):
        assert "hg" in flags, flags
