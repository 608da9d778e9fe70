"""Per-function timings of the functions :func:`ftaccel.freqtrade.install` patched in.

With ``performance_benchmarking`` on, every patched function is wrapped by :func:`wrap`,
which counts calls, total and mean wall time (seconds), input sizes (rows of the first
sized argument: DataFrame, Series, ndarray) and the backend of the family that answered.
Off (the default), nothing is wrapped: the patched attribute is the ftaccel function
itself, so monitoring costs nothing.

Read with :func:`ftaccel.stats` (or :func:`snapshot`), export with :func:`export_json` /
:func:`export_csv`, print with :func:`table` (done at interpreter exit when enabled).
"""

from __future__ import annotations

import atexit
import csv
import functools
import json
import logging
import sys
import threading
import time

import numpy as np
import pandas as pd

from . import _backend

log = logging.getLogger("ftaccel")

COLUMNS = ("function", "family", "calls", "total_s", "mean_s", "rows_min", "rows_max",
           "rows_total", "backends")


class _Stat:
    __slots__ = ("family", "calls", "total", "rows_min", "rows_max", "rows_total", "backends")

    def __init__(self, family: str):
        self.family = family
        self.calls = 0
        self.total = 0.0
        self.rows_min = None
        self.rows_max = None
        self.rows_total = 0
        self.backends: dict[str, int] = {}


_stats: dict[str, _Stat] = {}
_lock = threading.Lock()
_atexit_registered = False


_SIZED = (np.ndarray, pd.Series, pd.DataFrame, list, tuple)
_sized_types: dict[type, bool] = {}


def _stat(name: str, family: str) -> _Stat:
    with _lock:
        st = _stats.get(name)
        if st is None:
            st = _stats[name] = _Stat(family)
        return st


def wrap(func, name: str, family: str, *, detailed: bool = False):
    """``func`` timed into the statistics under ``name`` (``family``: kernel family)."""
    fam = _backend.family(family)
    perf = time.perf_counter
    sized_types = _sized_types

    @functools.wraps(func)
    def timed(*args, **kwargs):
        t0 = perf()
        result = func(*args, **kwargs)
        dt = perf() - t0
        rows = None
        if args:
            sized = sized_types.get(type(args[0]))
            if sized is None:
                sized = sized_types[type(args[0])] = isinstance(args[0], _SIZED)
            if sized:
                rows = len(args[0])
        backend = fam.backend
        st = _stats.get(name) or _stat(name, family)
        # no lock on this path (it would double the cost): two threads finishing the same
        # function at the same instant may lose one count
        st.calls += 1
        st.total += dt
        if rows is not None:
            if st.rows_min is None or rows < st.rows_min:
                st.rows_min = rows
            if st.rows_max is None or rows > st.rows_max:
                st.rows_max = rows
            st.rows_total += rows
        st.backends[backend] = st.backends.get(backend, 0) + 1
        if detailed:
            log.debug("ftaccel: %s rows=%s backend=%s %.3f ms", name, rows, backend, dt * 1e3)
        return result

    timed.__ftaccel_wrapped__ = func
    return timed


def snapshot() -> list[dict]:
    """One dict per function (keys :data:`COLUMNS`), sorted by total time, largest first."""
    with _lock:
        rows = [{
            "function": name, "family": st.family, "calls": st.calls, "total_s": st.total,
            "mean_s": st.total / st.calls if st.calls else 0.0, "rows_min": st.rows_min,
            "rows_max": st.rows_max, "rows_total": st.rows_total,
            "backends": dict(st.backends),
        } for name, st in _stats.items()]
    return sorted(rows, key=lambda r: -r["total_s"])


def reset() -> None:
    """Forget every recorded call."""
    with _lock:
        _stats.clear()


def export_json(path) -> None:
    """Write :func:`snapshot` as a JSON list."""
    with open(path, "w") as fh:
        json.dump(snapshot(), fh, indent=2)


def export_csv(path) -> None:
    """Write :func:`snapshot` as CSV (``backends`` as ``name=count;...``)."""
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in snapshot():
            row = dict(row, backends=";".join(f"{k}={v}" for k, v in row["backends"].items()))
            writer.writerow(row)


def table() -> str:
    """The statistics as a text table ('' when nothing was recorded)."""
    rows = snapshot()
    if not rows:
        return ""
    head = (f"{'function':<28} {'calls':>8} {'total ms':>10} {'mean us':>10} {'rows max':>9}"
            "  backend")
    lines = ["ftaccel performance (functions patched into Freqtrade)", head, "-" * len(head)]
    for r in rows:
        backends = ",".join(r["backends"])
        rows_max = "-" if r["rows_max"] is None else r["rows_max"]
        lines.append(f"{r['function']:<28} {r['calls']:>8} {r['total_s'] * 1e3:>10.2f} "
                     f"{r['mean_s'] * 1e6:>10.1f} {rows_max:>9}  {backends}")
    return "\n".join(lines)


def _print_at_exit() -> None:
    text = table()
    if text:
        print(text, file=sys.stderr)


def summarize_at_exit() -> None:
    """Print :func:`table` to stderr when the interpreter exits (registered once)."""
    global _atexit_registered
    if not _atexit_registered:
        _atexit_registered = True
        atexit.register(_print_at_exit)
