"""Which implementation answers each kernel call: compiled (default), numpy, or jit.

One :class:`Family` per kernel family. At import it tries ``ftaccel._aot_<family>``, the
module ``build_kernels.py`` compiles; if that import fails (missing, broken, ABI
mismatch) the family runs on ``ftaccel.fallback.<family>`` and :func:`info` says why.

Environment (read at import; :func:`set_backend` changes it at run time):

``FTACCEL_BACKEND``             ``compiled`` | ``numpy`` | ``jit`` for every family
``FTACCEL_BACKEND_<FAMILY>``    the same for one family (``FTACCEL_BACKEND_METRICS=numpy``)
``FTACCEL_STRICT=1``            a failing compiled call raises instead of falling back

``jit`` is for development only: it compiles the kernel sources with ``numba.njit`` at
first call (numba must be installed); it is how the ahead-of-time build's cold start is
compared with a JIT.

A compiled call that raises is answered by the fallback, logged once and counted; after
:data:`MAX_FAILURES` failures that kernel stays on the fallback.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import threading

FAMILIES = ("indicators", "metrics", "backtest")
BACKENDS = ("compiled", "numpy", "jit")
MAX_FAILURES = 3

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
        wanted, why = _env_backend(name)
        self.set(wanted, why)

    # -- selection -------------------------------------------------------------------
    def set(self, backend: str, why: str = "set_backend()") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if backend == "compiled" and self._compiled is None:
            self.backend, self.module = "numpy", self.fallback
            self.reason = (f"compiled module ftaccel._aot_{self.name} unavailable "
                           f"({self._import_error})")
        elif backend == "compiled":
            self.backend, self.module = "compiled", self._compiled
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
            if strict():
                raise
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
