"""Ahead-of-time build of ftaccel's kernels with ``numba.pycc``.

Every kernel family under ``ftaccel/kernels/`` (``indicators``, ``metrics``,
``backtest``) becomes one native extension module ``ftaccel/_aot_<family>``, holding
each function its module marks with ``@export(signature)`` plus ``_build_info()`` (the
JSON that ``ftaccel info`` shows: numba/numpy versions, target CPU, kernel names).

    python build_kernels.py                    # build all families in place (development)
    python build_kernels.py --family metrics   # one family
    python build_kernels.py --fma-only         # only the FMA module (x86-64)
    FTACCEL_TARGET_CPU=x86-64-v3 python build_kernels.py

On x86-64 the indicators family also builds ``ftaccel/_aot_indicators_fma``: the
recurrence kernels named in :data:`FMA_KERNELS` once more, for CPUs with AVX and FMA3,
with floating-point contraction allowed, so ``a * b + c`` becomes one fused multiply-add
(see :func:`make_fma_cc`). ``ftaccel._backend`` loads it at import only on a CPU that has
both features and takes those kernels from it; everything else, and every other family,
stays on the portable module. ``FTACCEL_FMA_BUILD=0`` skips it.

``pip install .`` / ``pip wheel .`` run the same code through ``setup.py``. All use of
``numba.pycc`` lives in this file, so a future AOT backend replaces one file.

Build properties:
* target CPU: explicit and portable by default (``x86-64``, the SSE2 baseline every
  x86-64 CPU has; ``generic`` elsewhere) so a wheel never hits an illegal instruction.
  ``FTACCEL_TARGET_CPU`` overrides; LLVM aborts the process on an unknown name, so
  names are checked against a known list first.
* float division follows IEEE (``error_model="numpy"``: x/0 gives inf or NaN, as in
  TA-Lib's C and numpy) instead of raising ZeroDivisionError.
* arrays of 4 MiB or more that kernels allocate are advised into transparent huge pages
  on Linux, as numpy does for its own (see :func:`_hugepages_for_large_arrays`).
* the GIL is released inside every compiled call (pycc's generated wrapper calls
  ``PyEval_SaveThread`` when the compile flags ask for ``release_gil``; see
  :func:`_release_gil_in_exports`). Verified with numba 0.60-0.68.
* no fast-math anywhere except the FMA module's contraction (``fastmath={'contract'}``,
  nothing else: no reassociation, NaN/inf semantics kept). Each step ``(x - prev) * k +
  prev`` is then rounded once instead of twice, as in TA-Lib's own FMA build, which the
  installed TA-Lib selects at run time on such CPUs; results differ from the portable
  module's by a few ulps at most. Kernel modules that set ``FMA_EXACT = True`` (the
  Hilbert transforms and MAMA, the LINEARREG family) and helpers marked ``@unfused`` (the
  WMA family) are not contracted at all: they fuse exactly where their source calls
  ``mul_add``, an exact ``llvm.fma`` in this module (see :func:`fma_exact`), because there
  LLVM's choice of product to fuse is not TA-Lib's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:  # build isolation runs setup.py from elsewhere
    sys.path.insert(0, HERE)

FAMILIES = ("indicators", "metrics", "backtest")

# The optional FMA module (x86-64 only): the kernels it holds (this list is the one place
# that names them; the run time reads them from the module's _build_info), its target and
# the LLVM CPU features it may use. ``ftaccel._backend.FMA_CPU_FEATURES`` must name every
# one of these features as numpy's CPU detection spells it ("+fma" implies "+avx" in
# LLVM; both are checked at run time before the module is imported).
FMA_FAMILY = "indicators"
FMA_KERNELS = (
    # exponential recurrences and what is built on them, Wilder's ATR, SAR
    "ema", "dema", "tema", "kama", "t3", "ma", "macd", "macdfix", "macdext", "apo", "ppo",
    "trix", "adosc", "atr", "natr", "sar",
    # fused exactly where TA-Lib's FMA build fuses (their modules set FMA_EXACT);
    # LINEARREG_INTERCEPT fuses nothing but gains from AVX's 4-wide division
    "linearreg", "tsf", "linearreg_intercept",
    "ht_dcperiod", "ht_phasor", "ht_dcphase", "ht_sine", "ht_trendmode", "ht_trendline",
    # for their MA-type lines (and BBANDS' upper band with unequal deviations), which TA-Lib
    # fuses; STOCHRSI's RSI and BBANDS are @unfused, as in TA-Lib, and STOCH's own steps
    # have nothing to fuse
    "stoch", "stochf", "stochrsi", "bbands",
    # nothing to fuse: their short-window doubling pays only with AVX's 4-wide max/min
    # and unaligned memory operands (no gain over the block scan with SSE2)
    "midpoint", "midprice",
    # no fusion either (statistic.py is FMA_EXACT and CORREL calls no mul_add), but with
    # AVX its square roots and divisions run 4 lanes at a time in a second pass
    "correl",
)
# RSI and CMO would gain about 23 % too, but TA-Lib has no FMA build of them: on FMA CPUs
# they would differ from TA-Lib in the last bits where the portable kernels are
# bit-identical (RSI is the indicator strategies threshold most often).
# Measured and left out: STDDEV, VAR, ADX, CCI (no gain); BETA (when it was contracted,
# a cancelling difference of running sums came out 1e-7 relative off TA-Lib on
# near-singular windows; CORREL had the same until statistic.py became FMA_EXACT);
# LINEARREG_SLOPE and _ANGLE (no gain; TA-Lib's FMA build fuses nothing in them: the
# portable kernels are bit-identical to it).
FMA_TARGET_CPU = "x86-64"
FMA_LLVM_FEATURES = "+avx,+fma"
FMA_MODULE = f"_aot_{FMA_FAMILY}_fma"
# Set while the FMA module is compiled: read by the patched pycc Flags and AOT codegen.
_FMA_ACTIVE = {"on": False}
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
    from numba.core import codegen
    from numba.core.cpu import FastMathOptions

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
            if _FMA_ACTIVE["on"]:  # only while the FMA module compiles
                self.fastmath = FastMathOptions({"contract"})

    pycc_compiler.Flags = GilFreeFlags

    # One Flags object serves every export of a module: exports of FMA_EXACT modules get
    # a copy without contraction.
    compile_extra = pycc_compiler.compile_extra

    def compile_export(typingctx, targetctx, func, args, return_type, flags, *a, **kw):
        if _FMA_ACTIVE["on"] and fma_exact(func):
            flags = flags.copy()
            flags.fastmath = FastMathOptions(set())
        return compile_extra(typingctx, targetctx, func, args, return_type, flags, *a, **kw)

    pycc_compiler.compile_extra = compile_export

    aot_codegen = codegen.AOTCPUCodegen
    base_features = aot_codegen._customize_tm_features

    def tm_features(self):
        return FMA_LLVM_FEATURES if _FMA_ACTIVE["on"] else base_features(self)

    aot_codegen._customize_tm_features = tm_features


# Arrays of at least this many bytes are advised into transparent huge pages (Linux), as
# numpy does for its own (``indicate_hugepages`` in its allocator, same 4 MiB threshold).
HUGEPAGE_MIN_BYTES = 1 << 22
MADV_HUGEPAGE = 14  # Linux, every architecture


def _hugepages_for_large_arrays() -> None:
    """Make every array a kernel allocates advise the kernel to back it with huge pages
    when it is large, as numpy's allocator does: ``madvise(MADV_HUGEPAGE)`` on the
    page-aligned part of the data of arrays of ``HUGEPAGE_MIN_BYTES`` or more.

    A 1e6-row output is 8 MB: once the C heap hands freed memory back to the system (it
    does when more than about twice its largest recent block is free at its top, e.g.
    after a call returning three such arrays), the next call faults every 4 KiB page in
    again, which costs more than the kernel (BBANDS, MACD: 1.6-1.9x TA-Lib's time in a
    fresh process, whose numpy-allocated outputs fault 2 MiB at a time). Linux only; a
    kernel without transparent huge pages answers EINVAL, which is ignored.
    """
    if not sys.platform.startswith("linux"):
        return
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.core.runtime.context import NRTContext

    if getattr(NRTContext, "_ftaccel_hugepages", False):
        return

    def allocator(self, module, intp):
        """``i8* ftaccel_meminfo_alloc_aligned(intp size, i32 align)``: numba's allocation
        (``NRT_MemInfo_alloc_aligned``) and the hint, one function per module that is
        never inlined, so that a caller's code looks exactly as before (one call whose
        result aliases nothing) and LLVM makes the same choices for it."""
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(cgutils.voidptr_t, [intp, i32])
        fn = cgutils.get_or_insert_function(module, fnty, "ftaccel_meminfo_alloc_aligned")
        if not fn.is_declaration:
            return fn
        fn.linkage = "internal"
        fn.attributes.add("noinline")
        fn.return_value.add_attribute("noalias")
        size, align = fn.args
        builder = ir.IRBuilder(fn.append_basic_block("entry"))
        api = getattr(self, "_meminfo_api", None)  # absent in older numba: the safe variant
        name = api.alloc_aligned if api is not None else "NRT_MemInfo_alloc_safe_aligned"
        nrt_alloc = cgutils.get_or_insert_function(module, fnty, name)
        nrt_alloc.return_value.add_attribute("noalias")
        meminfo = builder.call(nrt_alloc, [size, align])
        big = builder.and_(
            builder.icmp_unsigned(">=", size, ir.Constant(intp, HUGEPAGE_MIN_BYTES)),
            cgutils.is_not_null(builder, meminfo))
        with builder.if_then(big, likely=False):
            address = builder.ptrtoint(self.meminfo_data(builder, meminfo), intp)
            page = ir.Constant(intp, 4096)
            offset = builder.sub(page, builder.urem(address, page))  # numpy's arithmetic
            madvise = cgutils.get_or_insert_function(
                module, ir.FunctionType(i32, [cgutils.voidptr_t, intp, i32]), "madvise")
            builder.call(madvise, [builder.inttoptr(builder.add(address, offset),
                                                    cgutils.voidptr_t),
                                   builder.sub(size, offset), ir.Constant(i32, MADV_HUGEPAGE)])
        builder.ret(meminfo)
        return fn

    def meminfo_alloc_aligned_unchecked(self, builder, size, align):
        self._require_nrt()
        if isinstance(align, int):
            align = self._context.get_constant(types.uint32, align)
        return builder.call(allocator(self, builder.module, size.type), [size, align])

    NRTContext.meminfo_alloc_aligned_unchecked = meminfo_alloc_aligned_unchecked
    NRTContext._ftaccel_hugepages = True


def _import_pycc():
    _release_gil_in_exports()
    _hugepages_for_large_arrays()
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


def build_fma() -> bool:
    """Whether the FMA module is built: on x86-64, unless ``FTACCEL_FMA_BUILD=0``."""
    off = os.environ.get("FTACCEL_FMA_BUILD", "").strip().lower() in ("0", "false", "no", "off")
    return platform.machine().lower() in ("x86_64", "amd64") and not off


def _family_modules(family: str):
    import importlib
    import pkgutil

    root = importlib.import_module(f"ftaccel.kernels.{family}")
    modules = [root]
    if hasattr(root, "__path__"):
        modules += [importlib.import_module(f"{root.__name__}.{info.name}")
                    for info in pkgutil.iter_modules(root.__path__)]
    return modules


def fma_exact(func) -> bool:
    """Whether ``func``'s module asks for exact fusion (``FMA_EXACT = True``), or ``func``
    is marked ``@unfused``: in the FMA module its code is compiled without contraction,
    and ``mul_add`` is one fused multiply-add, so every rounding is the one its source
    names, whatever LLVM prefers."""
    if getattr(func, "__ftaccel_unfused__", False):
        return True
    module = sys.modules.get(getattr(func, "__module__", None) or "")
    return bool(getattr(module, "FMA_EXACT", False))


def _exact_mul_add():
    """``mul_add`` for the FMA module: ``llvm.fma.f64``, one rounding (a ``vfmadd`` with
    the module's ``+fma``)."""
    from llvmlite import ir
    from numba import njit, types
    from numba.extending import intrinsic

    @intrinsic
    def fused(typingctx, a, b, c):
        sig = types.float64(types.float64, types.float64, types.float64)

        def codegen(context, builder, signature, args):
            f64 = ir.DoubleType()
            fn = builder.module.declare_intrinsic(
                "llvm.fma", [f64], ir.FunctionType(f64, [f64, f64, f64]))
            return builder.call(fn, args)

        return sig, codegen

    @njit(nogil=True, error_model="numpy")
    def mul_add(a, b, c):
        return fused(a, b, c)

    return mul_add


def _contracting_copies(family: str, names) -> dict:
    """Copies of the exports ``names`` whose helpers are copies compiled with contraction.

    numba compiles each helper (an ``njit`` dispatcher) once and links that code into every
    module that calls it, so the FMA module cannot share the portable module's helpers.
    Every dispatcher of the family is copied (same code, a copy of its module's globals
    in which every dispatcher is replaced by its copy, closure cells likewise, and
    ``FMA_BUILD`` is True) with ``fastmath={'contract'}`` added, or with fastmath off
    where :func:`fma_exact` says so, and ``mul_add`` becomes one exact fused
    multiply-add; the originals, and so the portable modules, are untouched.
    """
    from numba import njit
    from numba.core.dispatcher import Dispatcher

    import ftaccel.kernels as kernels_pkg

    spaces = {m.__name__: dict(vars(m), FMA_BUILD=True) for m in _family_modules(family)}
    clones: dict[int, tuple] = {}

    def copy_function(func):
        cells = None
        if func.__closure__:
            cells = []
            for cell in func.__closure__:
                try:
                    value = cell.cell_contents
                except ValueError:  # an empty cell
                    cells.append(types.CellType())
                    continue
                cells.append(types.CellType(clone(value) if isinstance(value, Dispatcher)
                                            else value))
            cells = tuple(cells)
        new = types.FunctionType(func.__code__, spaces.get(func.__module__, func.__globals__),
                                 func.__name__, func.__defaults__, cells)
        new.__kwdefaults__ = func.__kwdefaults__
        new.__qualname__ = func.__qualname__
        new.__doc__ = func.__doc__
        new.__dict__.update(func.__dict__)
        return new

    def clone(dispatcher):
        entry = clones.get(id(dispatcher))
        if entry is None and dispatcher is kernels_pkg.mul_add:
            entry = clones[id(dispatcher)] = (dispatcher, _exact_mul_add())
        if entry is None:
            options = dict(dispatcher.targetoptions)
            # set either way: a helper's unset fastmath is inherited from its caller
            options["fastmath"] = False if fma_exact(dispatcher.py_func) else {"contract"}
            options.pop("nopython", None)
            entry = clones[id(dispatcher)] = (
                dispatcher, njit(**options)(copy_function(dispatcher.py_func)))
        return entry[1]

    for space in spaces.values():
        for key, value in list(space.items()):
            if isinstance(value, Dispatcher):
                space[key] = clone(value)
    exports = kernels_pkg.exports(family)
    missing = sorted(set(names) - set(exports))
    if missing:
        raise SystemExit(f"FMA_KERNELS names kernels that {family} does not export: {missing}")
    return {name: (copy_function(exports[name][0]), exports[name][1]) for name in sorted(names)}


def make_fma_cc(output_dir: str | None = None):
    """The ``numba.pycc.CC`` of the FMA module: :data:`FMA_KERNELS` of :data:`FMA_FAMILY`,
    target ``x86-64`` plus AVX and FMA3, contraction on (exports and their helpers)."""
    CC = _import_pycc()
    import ftaccel.kernels as kernels_pkg

    exports = _contracting_copies(FMA_FAMILY, FMA_KERNELS)
    cc = CC(FMA_MODULE, source_module=kernels_pkg)  # -> ftaccel._aot_indicators_fma
    cc.output_dir = output_dir or os.path.join(HERE, "ftaccel")
    cc.target_cpu = FMA_TARGET_CPU
    for name, (func, signature) in exports.items():
        cc.export(name, signature)(func)
    info = build_info(FMA_FAMILY, exports, cc.target_cpu)
    info.update(module=FMA_MODULE, cpu_features=FMA_LLVM_FEATURES, fp_contract=True)
    namespace = {}
    exec(f"def _build_info():\n    return {json.dumps(info, sort_keys=True)!r}\n", namespace)
    cc.export("_build_info", "unicode_type()")(namespace["_build_info"])

    compile_objects = cc._compile_object_files  # both cc.compile() and setup.py call it

    def compile_with_contraction(build_dir):
        _FMA_ACTIVE["on"] = True
        try:
            return compile_objects(build_dir)
        finally:
            _FMA_ACTIVE["on"] = False

    cc._compile_object_files = compile_with_contraction
    return cc


def extensions():
    """setuptools Extension objects, one per family plus the FMA module on x86-64."""
    exts = [make_cc(family).distutils_extension() for family in FAMILIES]
    if build_fma():
        exts.append(make_fma_cc().distutils_extension())
    return exts


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
        if family == FMA_FAMILY and build_fma():
            t0 = time.perf_counter()
            cc = make_fma_cc(output_dir)
            cc.compile()
            print(f"built ftaccel/{FMA_MODULE} ({len(cc._exported_functions)} exports, "
                  f"target {cc.target_cpu!r} {FMA_LLVM_FEATURES}, contraction) in "
                  f"{time.perf_counter() - t0:.1f}s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", choices=FAMILIES,
                        help="build only this family (repeatable)")
    parser.add_argument("--output-dir", help="where to write the modules (default: ftaccel/)")
    parser.add_argument("--fma-only", action="store_true",
                        help=f"build only ftaccel/{FMA_MODULE} (x86-64)")
    args = parser.parse_args(argv)
    if args.fma_only:
        t0 = time.perf_counter()
        make_fma_cc(args.output_dir).compile()
        print(f"built ftaccel/{FMA_MODULE} in {time.perf_counter() - t0:.1f}s")
        return 0
    build(args.family or FAMILIES, args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
