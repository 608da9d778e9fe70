"""ftaccel: Freqtrade-style workloads (indicators, metrics, backtests) at compiled speed,
with no JIT at run time.

The kernels are compiled ahead of time into ``ftaccel._aot_*`` extension modules when the
package is built; numba is a build dependency only and is never imported here. When a
compiled module cannot be imported its family runs on numpy/pandas twins that give the
same results; :func:`info` says which backend each family uses and why.

Modules: :mod:`ftaccel.ta` (TA-Lib compatible indicators), :mod:`ftaccel.metrics`
(``freqtrade.data.metrics`` drop-ins), :mod:`ftaccel.backtest` (signal backtests).
"""

from __future__ import annotations

import importlib
import sys

__version__ = "0.1.0"

__all__ = ["__version__", "info", "stats", "set_backend", "ta", "metrics", "backtest"]

_SUBMODULES = ("ta", "metrics", "backtest", "bench", "freqtrade", "config", "monitor")


def info() -> dict:
    """Per family: backend in use, the reason, failure counters, and build metadata."""
    from ._backend import info as _info

    return _info()


def stats() -> dict:
    """Error-fallback counters per family, per-function timings when
    ``performance_benchmarking`` is on (see :mod:`ftaccel.monitor`), and what
    :func:`ftaccel.freqtrade.install` patched."""
    from . import _backend, monitor

    return {
        "strict": _backend.strict(),
        "families": {name: {k: v for k, v in _backend.family(name).info().items()
                            if k in ("backend", "failures", "disabled")}
                     for name in _backend.FAMILIES},
        "functions": monitor.snapshot(),
        "freqtrade": (sys.modules["ftaccel.freqtrade"].report()
                      if "ftaccel.freqtrade" in sys.modules else {}),
    }


def set_backend(backend: str, family: str | None = None) -> None:
    """Use ``backend`` (``compiled`` | ``numpy`` | ``jit``) for one family or all."""
    from ._backend import set_backend as _set

    _set(backend, family)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
