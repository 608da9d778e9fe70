"""Ahead-of-time build of ftaccel's kernels with ``numba.pycc``.

Every kernel family under ``ftaccel/kernels/`` (``indicators``, ``metrics``,
``backtest``) becomes one native extension module ``ftaccel/_aot_<family>``, holding
each function its module marks with ``@export(signature)`` plus ``_build_info()`` (the
JSON that ``ftaccel info`` shows: numba/numpy versions, target CPU, kernel names).

    python build_kernels.py                    # build all families in place (development)
    python build_kernels.py --family metrics   # one family
    FTACCEL_TARGET_CPU=x86-64-v3 python build_kernels.py

``pip install .`` / ``pip wheel .`` run the same code through ``setup.py``. All use of
``numba.pycc`` lives in this file, so a future AOT backend replaces one file.

Build properties:
* target CPU: explicit and portable by default (``x86-64``, the SSE2 baseline every
  x86-64 CPU has; ``generic`` elsewhere) so a wheel never hits an illegal instruction.
  ``FTACCEL_TARGET_CPU`` overrides; LLVM aborts the process on an unknown name, so
  names are checked against a known list first.
* float division follows IEEE (``error_model="numpy"``: x/0 gives inf or NaN, as in
  TA-Lib's C and numpy) instead of raising ZeroDivisionError.
* the GIL is released inside every compiled call (pycc's generated wrapper calls
  ``PyEval_SaveThread`` when the compile flags ask for ``release_gil``; see
  :func:`_release_gil_in_exports`). Verified with numba 0.60-0.68.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # build isolation runs setup.py from elsewhere
    sys.path.insert(0, HERE)

FAMILIES = ("indicators", "metrics", "backtest")
NUMBA_VERIFIED = ((0, 60), (0, 68))  # release_gil patch checked on these minor versions
KNOWN_CPUS = {
    "generic", "x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4", "core2", "nehalem",
    "sandybridge", "haswell", "skylake", "skylake-avx512", "znver1", "znver2", "znver3",
    "znver4", "apple-m1", "apple-m2", "neoverse-n1", "neoverse-v1", "cortex-a72",
}


def default_target_cpu() -> str:
    """The portable baseline of this machine's architecture."""
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64", "i686", "x86"):
        return "x86-64"
    return "generic"


def target_cpu() -> str:
    cpu = os.environ.get("FTACCEL_TARGET_CPU", "").strip() or default_target_cpu()
    if cpu == "host":
        import llvmlite.binding as llvm

        cpu = llvm.get_host_cpu_name()
    if cpu not in KNOWN_CPUS:
        raise SystemExit(f"FTACCEL_TARGET_CPU={cpu!r} is not a known LLVM CPU name; "
                         f"use one of {sorted(KNOWN_CPUS)} or 'host'")
    return cpu


def _release_gil_in_exports() -> None:
    """Make pycc compile every export with ``release_gil`` (pycc has no ``nogil`` option)
    and numpy's (IEEE) error model.

    pycc builds its flags as ``numba.pycc.compiler.Flags()``; a subclass whose
    ``release_gil`` is on makes the generated wrapper release the GIL around the call.
    """
    import numba
    import numba.pycc.compiler as pycc_compiler

    version = tuple(int(p) for p in numba.__version__.split(".")[:2])
    if not NUMBA_VERIFIED[0] <= version <= NUMBA_VERIFIED[1]:
        warnings.warn(f"numba {numba.__version__} is outside the range the GIL release "
                      f"was verified for ({NUMBA_VERIFIED}); check test_gil_released",
                      stacklevel=2)
    base = pycc_compiler.Flags
    if getattr(base, "_ftaccel_gil_free", False):
        return

    class GilFreeFlags(base):
        _ftaccel_gil_free = True

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.release_gil = True
            self.error_model = "numpy"  # IEEE division (x/0 -> inf/nan), as TA-Lib's C

    pycc_compiler.Flags = GilFreeFlags


def _import_pycc():
    _release_gil_in_exports()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba.pycc's pending-deprecation notice
        from numba.pycc import CC
    return CC


def build_info(family: str, names, cpu: str) -> dict:
    import numba
    import numpy

    return {
        "family": family,
        "numba": numba.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "target_cpu": cpu,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kernels": sorted(names),
    }


def make_cc(family: str, output_dir: str | None = None):
    """The ``numba.pycc.CC`` of one family, every export registered."""
    CC = _import_pycc()
    import ftaccel.kernels as kernels_pkg

    exports = kernels_pkg.exports(family)
    cc = CC(f"_aot_{family}", source_module=kernels_pkg)  # -> ftaccel._aot_<family>
    cc.output_dir = output_dir or os.path.join(HERE, "ftaccel")
    cc.target_cpu = target_cpu()
    for name, (func, signature) in exports.items():
        cc.export(name, signature)(func)
    info = json.dumps(build_info(family, exports, cc.target_cpu), sort_keys=True)
    namespace = {}
    exec(f"def _build_info():\n    return {info!r}\n", namespace)
    cc.export("_build_info", "unicode_type()")(namespace["_build_info"])
    return cc


def extensions():
    """setuptools Extension objects, one per family (used by setup.py)."""
    return [make_cc(family).distutils_extension() for family in FAMILIES]


def prepare_extension(ext, build_ext_cmd) -> None:
    """Generate a pycc extension's LLVM object file before setuptools links it."""
    if hasattr(ext, "_prepare_object_files"):
        ext._prepare_object_files(build_ext_cmd)


def build(families=FAMILIES, output_dir: str | None = None) -> None:
    for family in families:
        t0 = time.perf_counter()
        cc = make_cc(family, output_dir)
        cc.compile()
        print(f"built ftaccel/_aot_{family} ({len(cc._exported_functions)} exports, "
              f"target {cc.target_cpu!r}) in {time.perf_counter() - t0:.1f}s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", choices=FAMILIES,
                        help="build only this family (repeatable)")
    parser.add_argument("--output-dir", help="where to write the modules (default: ftaccel/)")
    args = parser.parse_args(argv)
    build(args.family or FAMILIES, args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
