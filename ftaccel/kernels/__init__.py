"""Kernel sources: numba-compatible Python, compiled ahead of time by ``build_kernels.py``.

Each family module (``indicators``, ``metrics``, ``backtest``) becomes one native extension
module ``ftaccel._aot_<family>``. A kernel is exported by decorating it with :func:`export`
and the numba signature it is compiled for; helpers the kernels call are decorated with
:func:`helper`. Exported signatures take C-contiguous arrays (``f8[::1]``): the facades
guarantee that, and check every length and parameter before a kernel runs, because the
compiled code does no bounds checking.

Nothing in ``ftaccel`` imports this package at run time; the build and the development-only
``jit`` backend do. It imports without numba (helpers then stay plain Python).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

FAMILIES = ("indicators", "metrics", "backtest")

try:  # build time / jit backend only
    from numba import njit as _njit
except ImportError:  # pragma: no cover - exercised by the no-numba test
    _njit = None


def export(signature: str, name: str | None = None):
    """Mark ``func`` for the AOT build with its numba ``signature``.

    ``name`` defaults to the function's name and is the attribute of the compiled module.
    """

    def mark(func):
        func.__ftaccel_export__ = (name or func.__name__, signature)
        return func

    return mark


def helper(func):
    """Mark a helper called by kernels (``njit`` when numba is importable)."""
    if _njit is None:
        return func
    return _njit(nogil=True, cache=False, error_model="numpy")(func)


# False here; True in the globals of the FMA module's copies of the kernels (set by
# ``build_kernels._contracting_copies``), so a kernel may pick code that pays only with AVX.
FMA_BUILD = False


def unfused(func):
    """Mark a helper or kernel whose steps TA-Lib's FMA build leaves unfused (the WMA
    family, RSI inside STOCHRSI, BBANDS): the FMA module compiles its copy without
    contraction, as it does a module with ``FMA_EXACT``. Put it under ``@helper`` or
    ``@export``; it sets an attribute on ``func`` itself."""
    func.__ftaccel_unfused__ = True
    return func


@helper
def mul_add(a, b, c):
    """``a * b + c``, written where TA-Lib's FMA build fuses a multiply-add.

    Rounded twice (product, then sum) in the portable modules, as TA-Lib's C compiled
    without FMA does; the FMA build replaces this helper with one exact fused multiply-add
    (see ``build_kernels.py``). Written in modules that set ``FMA_EXACT = True``, whose
    other products and sums the FMA build never contracts.
    """
    return a * b + c


def exports(family: str) -> dict[str, tuple[object, str]]:
    """Return ``{exported_name: (python_function, signature)}`` of a family, sorted by name.

    A family is a module, or a package whose submodules are all collected.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown kernel family {family!r}; expected one of {FAMILIES}")
    root = importlib.import_module(f"{__name__}.{family}")
    modules = [root]
    if hasattr(root, "__path__"):
        modules += [importlib.import_module(f"{root.__name__}.{info.name}")
                    for info in pkgutil.iter_modules(root.__path__)]
    found = {}
    for module in modules:
        for _, obj in inspect.getmembers(module, inspect.isfunction):
            mark = getattr(obj, "__ftaccel_export__", None)
            if mark is None or obj.__module__ != module.__name__:
                continue
            if mark[0] in found:
                raise ValueError(f"kernel name {mark[0]!r} exported twice in {family}")
            found[mark[0]] = (obj, mark[1])
    return dict(sorted(found.items()))
