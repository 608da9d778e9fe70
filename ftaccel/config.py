"""The ``performance_optimization`` block of a Freqtrade config, and its environment overrides.

A Freqtrade config may carry::

    "performance_optimization": {
        "enable_numba_optimization": true,        # master switch (default true)
        "optimization_phase": "conservative",     # conservative | progressive | aggressive
        "enabled_modules": ["metrics"],           # explicit list, overrides the phase
        "fallback_on_numba_error": true,          # false: a failing compiled call raises
        "performance_benchmarking": false,        # per-function timings, ftaccel.stats()
        "detailed_performance_logging": false,    # one DEBUG log line per patched call
        "numba_parallel_threads": "auto",         # "auto" or a count >= 1
        "numba_cache_directory": null             # accepted, no effect (ahead-of-time build)
    }

Phases: ``conservative`` = metrics, ``progressive`` = metrics + indicators,
``aggressive`` = metrics + indicators + backtesting. Modules: ``metrics``,
``indicators``, ``backtesting``.

Environment variables override the file (for operators; read when :func:`load` runs; an
empty variable counts as unset):

======================================  =======================================
``FTACCEL_ENABLE``                      ``enable_numba_optimization`` (1/0, true/false, on/off)
``FTACCEL_PHASE``                       ``optimization_phase``
``FTACCEL_MODULES``                     ``enabled_modules``, comma separated
``FTACCEL_FALLBACK``                    ``fallback_on_numba_error``
``FTACCEL_BENCHMARK``                   ``performance_benchmarking``
``FTACCEL_DETAILED_LOGGING``            ``detailed_performance_logging``
``FTACCEL_THREADS``                     ``numba_parallel_threads`` (``auto`` or a count)
``FTACCEL_CACHE_DIR``                   ``numba_cache_directory``
======================================  =======================================

An unknown key, a wrong type or a value outside the allowed ones raises ``ValueError``
naming the key (or variable) and what is allowed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("ftaccel")

BLOCK = "performance_optimization"
MODULES = ("metrics", "indicators", "backtesting")
PHASES = {
    "conservative": ("metrics",),
    "progressive": ("metrics", "indicators"),
    "aggressive": ("metrics", "indicators", "backtesting"),
}
ENV = {
    "enable_numba_optimization": "FTACCEL_ENABLE",
    "optimization_phase": "FTACCEL_PHASE",
    "enabled_modules": "FTACCEL_MODULES",
    "fallback_on_numba_error": "FTACCEL_FALLBACK",
    "performance_benchmarking": "FTACCEL_BENCHMARK",
    "detailed_performance_logging": "FTACCEL_DETAILED_LOGGING",
    "numba_parallel_threads": "FTACCEL_THREADS",
    "numba_cache_directory": "FTACCEL_CACHE_DIR",
}
KEYS = tuple(ENV)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_BOOL_KEYS = ("enable_numba_optimization", "fallback_on_numba_error",
              "performance_benchmarking", "detailed_performance_logging")


@dataclass(frozen=True)
class Settings:
    """The resolved ``performance_optimization`` settings (see the module docstring)."""

    enable_numba_optimization: bool = True
    optimization_phase: str = "conservative"
    enabled_modules: tuple[str, ...] | None = None  # None: the phase decides
    fallback_on_numba_error: bool = True
    performance_benchmarking: bool = False
    detailed_performance_logging: bool = False
    numba_parallel_threads: int | str = "auto"
    numba_cache_directory: str | None = None
    sources: dict = field(default_factory=dict, compare=False)  # key -> "config" | env var

    @property
    def modules(self) -> tuple[str, ...]:
        """Modules to patch: none when disabled, else ``enabled_modules`` or the phase's."""
        if not self.enable_numba_optimization:
            return ()
        if self.enabled_modules is not None:
            return self.enabled_modules
        return PHASES[self.optimization_phase]

    @property
    def threads(self) -> int:
        """Thread count of batch sweeps: ``auto`` is the number of CPUs."""
        if self.numba_parallel_threads == "auto":
            return os.cpu_count() or 1
        return int(self.numba_parallel_threads)


def _bad(where: str, value, allowed: str) -> ValueError:
    return ValueError(f"{where}: invalid value {value!r}; allowed: {allowed}")


def _check(key: str, value, where: str):
    """Validate one value of the block (already parsed from JSON or the environment)."""
    if key in _BOOL_KEYS:
        if not isinstance(value, bool):
            raise _bad(where, value, "true or false")
        return value
    if key == "optimization_phase":
        if not isinstance(value, str) or value not in PHASES:
            raise _bad(where, value, ", ".join(PHASES))
        return value
    if key == "enabled_modules":
        if value is None:
            return None
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise _bad(where, value, f"a list of {', '.join(MODULES)}")
        for item in value:
            if item not in MODULES:
                raise _bad(where, item, f"a list of {', '.join(MODULES)}")
        return tuple(m for m in MODULES if m in value)  # canonical order, no duplicates
    if key == "numba_parallel_threads":
        if value == "auto":
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _bad(where, value, '"auto" or an integer >= 1')
        return value
    if key == "numba_cache_directory":
        if value is not None and not isinstance(value, str):
            raise _bad(where, value, "a path string or null")
        return value
    raise AssertionError(key)  # pragma: no cover


def _from_env(key: str, text: str):
    var = ENV[key]
    text = text.strip()
    if key in _BOOL_KEYS:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise _bad(var, text, "/".join(_TRUE + _FALSE))
    if key == "enabled_modules":
        return [m.strip() for m in text.split(",") if m.strip()]
    if key == "numba_parallel_threads":
        if text == "auto":
            return text
        try:
            return int(text)
        except ValueError:
            raise _bad(var, text, '"auto" or an integer >= 1') from None
    return text


def block_of(config) -> Mapping:
    """The ``performance_optimization`` block of a Freqtrade config (``{}`` if absent)."""
    if config is None:
        return {}
    if isinstance(config, (str, Path)):
        with open(config) as fh:
            config = json.load(fh)
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a Freqtrade config dict or a path, not "
                        f"{type(config).__name__}")
    block = config.get(BLOCK, {})
    if block is None:
        return {}
    if not isinstance(block, Mapping):
        raise ValueError(f"{BLOCK}: must be an object with keys {', '.join(KEYS)}")
    return block


def parse(block: Mapping | None = None, environ: Mapping | None = None) -> Settings:
    """Settings from a ``performance_optimization`` block, then the environment over it."""
    block = {} if block is None else block
    environ = os.environ if environ is None else environ
    unknown = [k for k in block if k not in KEYS]
    if unknown:
        raise ValueError(f"{BLOCK}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: "
                         f"{', '.join(KEYS)}")
    values, sources = {}, {}
    for key in KEYS:
        if key in block:
            values[key] = _check(key, block[key], f"{BLOCK}.{key}")
            sources[key] = "config"
        var = ENV[key]
        if environ.get(var, "").strip():  # unset or empty: the config decides
            values[key] = _check(key, _from_env(key, environ[var]), var)
            sources[key] = var
    return Settings(**values, sources=sources)


def load(config=None, environ: Mapping | None = None) -> Settings:
    """Settings of a Freqtrade config (dict, path of a JSON file, or None for defaults)."""
    return parse(block_of(config), environ)


_cache_dir_noted = False


def note_ignored(settings: Settings) -> None:
    """Log once per process that ``numba_cache_directory`` has no effect."""
    global _cache_dir_noted
    if settings.numba_cache_directory is not None and not _cache_dir_noted:
        _cache_dir_noted = True
        log.info("ftaccel: numba_cache_directory=%r has no effect: the kernels are compiled "
                 "ahead of time, nothing is compiled or cached at run time",
                 settings.numba_cache_directory)


_current = Settings()


def current() -> Settings:
    """The settings of the last :func:`ftaccel.freqtrade.install` (defaults before)."""
    return _current


def _set_current(settings: Settings) -> None:
    global _current
    _current = settings
