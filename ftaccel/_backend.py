"""Which implementation answers each kernel call: compiled (default), numpy, or jit.

One :class:`Family` per kernel family. At import it tries ``ftaccel._aot_<family>``, the
module ``build_kernels.py`` compiles; if that import fails (missing, broken, ABI
mismatch) the family runs on ``ftaccel.fallback.<family>`` and :func:`info` says why.

Environment (read at import; :func:`set_backend` changes it at run time):

``FTACCEL_BACKEND``             ``compiled`` | ``numpy`` | ``jit`` for every family
``FTACCEL_BACKEND_<FAMILY>``    the same for one family (``FTACCEL_BACKEND_METRICS=numpy``)
``FTACCEL_STRICT=1``            a failing compiled call raises instead of falling back
``FTACCEL_FMA=0``               never load the FMA module (see below)

``jit`` is for development only: it compiles the kernel sources with ``numba.njit`` at
first call (numba must be installed); it is how the ahead-of-time build's cold start is
compared with a JIT.

A compiled call that raises is answered by the fallback, logged once and counted; after
:data:`MAX_FAILURES` failures that kernel stays on the fallback.

FMA module: on x86-64 the build may add ``ftaccel._aot_indicators_fma``, the recurrences
(EMA, DEMA, TEMA, KAMA, T3, RSI, ...; ``build_kernels.FMA_KERNELS``) compiled once more for
CPUs with AVX and FMA3 with fused multiply-add, as TA-Lib's own FMA build that it selects
at run time. It is imported only when numpy's CPU detection reports every feature in
:data:`FMA_CPU_FEATURES` (importing it on an older CPU could hit an illegal instruction)
and ``FTACCEL_FMA`` is not ``0``; the compiled backend then takes the kernels it holds
from it and all others from the portable module. A missing FMA module is never an
error, and one built before the portable module (a stale development build) is not
used; :func:`info` says whether it is used and why not.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import platform
import threading

FAMILIES = ("indicators", "metrics", "backtest")
BACKENDS = ("compiled", "numpy", "jit")
MAX_FAILURES = 3
# Optional modules compiled for a newer x86-64 CPU, per family. Every feature the build
# lets LLVM use (build_kernels.FMA_LLVM_FEATURES), as numpy's CPU detection names it.
FMA_MODULES = {"indicators": "ftaccel._aot_indicators_fma"}
FMA_CPU_FEATURES = ("AVX", "FMA3")
_OFF = ("0", "false", "no", "off")

log = logging.getLogger("ftaccel")


def _env_backend(family: str) -> tuple[str, str]:
    for var in (f"FTACCEL_BACKEND_{family.upper()}", "FTACCEL_BACKEND"):
        value = os.environ.get(var, "").strip().lower()
        if value:
            if value not in BACKENDS:
                raise ValueError(f"{var}={value!r}: expected one of {', '.join(BACKENDS)}")
            return value, f"{var}={value}"
    return "compiled", "default"


_strict_override: bool | None = None


def strict() -> bool:
    """True when a failing compiled call raises: ``FTACCEL_STRICT=1``, or :func:`set_strict`."""
    if _strict_override:
        return True
    return os.environ.get("FTACCEL_STRICT", "").strip().lower() in ("1", "true", "yes", "on")


def set_strict(flag: bool | None) -> None:
    """Force strict mode on (True) or leave it to ``FTACCEL_STRICT`` (None/False)."""
    global _strict_override
    _strict_override = flag


def _cpu_features() -> dict:
    """numpy's run-time CPU feature detection (``{"AVX": True, ...}``); {} if unavailable."""
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            return dict(importlib.import_module(name).__cpu_features__)
        except Exception:  # numpy 1.x / 2.x layouts
            continue
    return {}


def _fma_blocker(family: str) -> str | None:
    """Why the FMA module of ``family`` must not be loaded, or None when it may be."""
    if family not in FMA_MODULES:
        return "no FMA module for this family"
    value = os.environ.get("FTACCEL_FMA", "").strip().lower()
    if value in _OFF:
        return f"disabled by FTACCEL_FMA={value}"
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"not an x86-64 machine ({platform.machine()})"
    features = _cpu_features()
    lacking = [f for f in FMA_CPU_FEATURES if not features.get(f)]
    if lacking:
        return f"CPU lacks {', '.join(lacking)}"
    return None


class _Overlay:
    """The portable compiled module with some kernels taken from the FMA module."""

    def __init__(self, base, override, names):
        self.__dict__.update({k: v for k, v in vars(base).items() if not k.startswith("__")})
        self.__dict__.update({k: getattr(override, k) for k in names})


class _JitModule:
    """The kernel sources of a family, each ``numba.njit``-compiled at first call."""

    def __init__(self, family: str):
        import numba

        from .kernels import exports

        self._funcs = {
            name: numba.njit(nogil=True, error_model="numpy",
                             cache=os.environ.get("FTACCEL_JIT_CACHE") == "1")(f)
            for name, (f, _sig) in exports(family).items()
        }

    def __getattr__(self, name):
        try:
            return self._funcs[name]
        except KeyError:
            raise AttributeError(name) from None


class Family:
    """Dispatch of one kernel family to its compiled module or its numpy fallback."""

    def __init__(self, name: str):
        self.name = name
        self.fallback = importlib.import_module(f"ftaccel.fallback.{name}")
        self.failures: dict[str, int] = {}
        self.disabled: set[str] = set()
        self._lock = threading.Lock()
        self._compiled = None
        self._import_error = None
        try:
            self._compiled = importlib.import_module(f"ftaccel._aot_{name}")
        except Exception as exc:  # ImportError, or a broken module raising at init
            self._import_error = f"{type(exc).__name__}: {exc}"
        self._fma, self._fma_kernels, self._fma_reason = None, (), None
        self._overlay = self._compiled
        if self._compiled is not None and name in FMA_MODULES:
            self._load_fma()
        wanted, why = _env_backend(name)
        self.set(wanted, why)

    def _load_fma(self) -> None:
        blocker = _fma_blocker(self.name)
        if blocker is not None:
            self._fma_reason = f"not used: {blocker}"
            return
        try:
            module = importlib.import_module(FMA_MODULES[self.name])
            build = json.loads(module._build_info())
            kernels = tuple(build["kernels"])
            overlay = _Overlay(self._compiled, module, kernels)
        except Exception as exc:  # not built (other platforms, FTACCEL_FMA_BUILD=0), broken
            self._fma_reason = f"not used: {type(exc).__name__}: {exc}"
            return
        base_built = self.build_info().get("built_at", "")
        if build.get("built_at", "") < base_built:  # ISO timestamps compare as strings
            self._fma_reason = (f"not used: built before ftaccel._aot_{self.name} "
                                f"({build.get('built_at')} < {base_built}); rebuild both")
            return
        self._fma, self._fma_kernels, self._overlay = module, kernels, overlay
        self._fma_reason = (f"used for {len(kernels)} kernels (CPU has "
                            f"{', '.join(FMA_CPU_FEATURES)})")

    # -- selection -------------------------------------------------------------------
    def set(self, backend: str, why: str = "set_backend()") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if backend == "compiled" and self._compiled is None:
            self.backend, self.module = "numpy", self.fallback
            self.reason = (f"compiled module ftaccel._aot_{self.name} unavailable "
                           f"({self._import_error})")
        elif backend == "compiled":
            self.backend, self.module = "compiled", self._overlay
            self.reason = f"compiled module loaded ({why})"
        elif backend == "jit":
            self.backend, self.module = "jit", _JitModule(self.name)
            self.reason = f"numba JIT of the kernel sources ({why})"
        else:
            self.backend, self.module = "numpy", self.fallback
            self.reason = f"numpy fallback requested ({why})"

    # -- calls -----------------------------------------------------------------------
    def call(self, kernel: str, *args):
        """Run ``kernel(*args)`` on the selected backend (inputs already validated)."""
        if self.module is self.fallback or kernel in self.disabled:
            return getattr(self.fallback, kernel)(*args)
        try:
            return getattr(self.module, kernel)(*args)
        except Exception as exc:
            return self._after_failure(kernel, exc, args)

    def _after_failure(self, kernel: str, exc: Exception, args):
        """A compiled call failed: re-raise in strict mode, else count it and answer with
        the numpy fallback."""
        if strict():
            raise exc
        self._record_failure(kernel, exc)
        return getattr(self.fallback, kernel)(*args)

    def _record_failure(self, kernel: str, exc: Exception) -> None:
        with self._lock:
            count = self.failures.get(kernel, 0) + 1
            self.failures[kernel] = count
            if count == 1:
                log.warning("ftaccel: %s.%s failed on the %s backend (%s: %s); answered by "
                            "the numpy fallback", self.name, kernel, self.backend,
                            type(exc).__name__, exc)
            if count >= MAX_FAILURES and kernel not in self.disabled:
                self.disabled.add(kernel)
                log.warning("ftaccel: %s.%s failed %d times; it stays on the numpy fallback",
                            self.name, kernel, count)

    # -- introspection ---------------------------------------------------------------
    def build_info(self) -> dict:
        if self._compiled is None:
            return {}
        try:
            return json.loads(self._compiled._build_info())
        except Exception as exc:  # pragma: no cover - a module built by an old build script
            return {"error": f"{type(exc).__name__}: {exc}"}

    def info(self) -> dict:
        return {
            "backend": self.backend,
            "reason": self.reason,
            "compiled_module": getattr(self._compiled, "__file__", None),
            "fma_module": getattr(self._fma, "__file__", None),
            "fma": self._fma_reason,
            "fma_kernels": list(self._fma_kernels),
            "failures": dict(self.failures),
            "disabled": sorted(self.disabled),
            "build": self.build_info(),
        }


_families: dict[str, Family] = {}
_families_lock = threading.Lock()


def family(name: str) -> Family:
    """The :class:`Family` named ``name`` (loaded on first use)."""
    fam = _families.get(name)
    if fam is None:
        if name not in FAMILIES:
            raise ValueError(f"unknown family {name!r}; expected one of {FAMILIES}")
        with _families_lock:
            fam = _families.get(name)
            if fam is None:
                fam = _families[name] = Family(name)
    return fam


def set_backend(backend: str, family_name: str | None = None) -> None:
    """Select ``backend`` for one family, or all when ``family_name`` is None."""
    for name in (family_name,) if family_name else FAMILIES:
        family(name).set(backend)


def info() -> dict:
    """Backends in use, why, failure counters and build metadata of every family."""
    from . import __version__

    return {
        "version": __version__,
        "strict": strict(),
        "families": {name: family(name).info() for name in FAMILIES},
    }
