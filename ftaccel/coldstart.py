"""Cold start: process start -> first result, in fresh processes (``ftaccel bench --cold-start``).

Each scenario runs ``repeat`` times in a new ``python`` process; the parent notes the wall
clock just before starting it and the child prints the wall clock right after its first
result and its peak resident memory (``ru_maxrss``). Reported: medians over the repeats.

Scenarios:

* ``floor``: ``import numpy, pandas`` and building the input arrays/frame that every other
  scenario builds too, so "+floor" is exactly what the scenario's library adds (``import
  numpy, pandas`` alone is shown as well);
* ``<family> compiled``: ftaccel's ahead-of-time modules (the wheel), first call per family;
* ``<family> jit``: the same kernels numba-compiled at first call (``FTACCEL_BACKEND=jit``,
  numba's cache off), and ``cache warm`` with numba's on-disk cache filled by a warm-up run;
* ``strategy ...``: every indicator of Freqtrade's sample strategy that ftaccel has, by the
  same backends and by TA-Lib's abstract API (as Freqtrade strategies import it).

Inputs are 1,000 generated candles (a few lines of numpy and pandas in the child).
Each scenario first runs once untimed, so that the file cache and Python's bytecode caches
are warm, as on a deployed bot: the children write their bytecode under a private
``PYTHONPYCACHEPREFIX`` (also when ``PYTHONDONTWRITEBYTECODE`` is set) and leave the
installed packages untouched. The untimed run does not fill numba's cache (it is off) except
in the ``cache warm`` scenarios.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Freqtrade's sample strategy (templates/sample_strategy.py, populate_indicators, the lines
# not commented out): TA-Lib functions plus qtpylib's Bollinger bands of the typical price.
SAMPLE_STRATEGY = ("ADX", "RSI", "STOCHF", "MACD", "MFI", "SAR", "TEMA", "HT_SINE")

_DATA = """
import numpy as np, pandas as pd
n = 1000
i = np.arange(n, dtype=float)
close = 100 + 5 * np.sin(i / 17) + 0.01 * i
df = pd.DataFrame({"open": close - 0.3, "high": close + 1, "low": close - 1, "close": close,
                   "volume": 1000 + 10 * np.cos(i / 7)})
import resource as _r, time as _tm
_m = _r.getrusage(_r.RUSAGE_SELF)
_mark = (_tm.time(), _m.ru_utime + _m.ru_stime)  # the floor is reached here
"""

_FAMILY_CALLS = {
    "indicators": "import ftaccel.ta as ta\nout = ta.RSI(close, timeperiod=14)",
    "metrics": (
        "import ftaccel.metrics as fm\n"
        "trades = pd.DataFrame({'profit_abs': np.sin(i[:200]),\n"
        "                       'open_date': pd.date_range('2024-01-01', periods=200, freq='h',"
        " tz='UTC'),\n"
        "                       'close_date': pd.date_range('2024-01-01 00:30', periods=200,"
        " freq='h', tz='UTC')})\n"
        "out = fm.calculate_max_drawdown(trades, starting_balance=1000)"),
    "backtest": (
        "import ftaccel.backtest as bt\n"
        "out = bt.exit_scan(df['open'].to_numpy(), df['high'].to_numpy(), df['low'].to_numpy(),"
        " (i * 5).astype(np.int64), 0, float(close[0]), stoploss=-0.1, minimal_roi={0: 10.0})"),
}

_CHILD_END = """
import json, resource, sys, time
_t = time.time()
_ru = resource.getrusage(resource.RUSAGE_SELF)
_rss = _ru.ru_maxrss
_cpu = _ru.ru_utime + _ru.ru_stime
_mk = globals().get("_mark")
print(json.dumps({"t": _t, "cpu_s": _cpu,
                  "added_wall_s": _t - _mk[0] if _mk else None,
                  "added_cpu_s": _cpu - _mk[1] if _mk else None,
                  "rss_kb": _rss // 1024 if sys.platform == "darwin" else _rss,
                  "numba_loaded": "numba" in sys.modules}))
"""


def strategy_names() -> list[str]:
    """The sample strategy's TA-Lib functions that ftaccel.ta has (plus Bollinger bands)."""
    from . import ta

    have = {f.name for f in ta.FUNCTIONS}
    return [name for name in SAMPLE_STRATEGY if name in have]


def _strategy_code(names, talib: bool) -> str:
    """The strategy set in the DataFrame form Freqtrade strategies use. TA-Lib's side
    takes its own BBANDS for qtpylib's Bollinger bands (same bands, no freqtrade import)."""
    if talib:
        lines = ["import talib.abstract as ta"] + [f"out_{n} = ta.{n}(df)" for n in names]
        lines.append("tp = (df['high'] + df['low'] + df['close']) / 3")
        lines.append("import talib")
        lines.append("out_bb = talib.BBANDS(tp.to_numpy(), timeperiod=20, nbdevup=2.0,"
                     " nbdevdn=2.0)")
    else:
        lines = ["import ftaccel.ta as ta", "import ftaccel.qtpylib as qtpylib"]
        lines += [f"out_{n} = ta.{n}(df)" for n in names]
        lines.append("out_bb = qtpylib.bollinger_bands(qtpylib.typical_price(df), window=20,"
                     " stds=2)")
    return "\n".join(lines)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _run_once(code: str, env: dict) -> tuple:
    """(wall ms from process start to first result, the child's CPU ms (user + system) up
    to then, its peak RSS in MB, whether numba was imported, wall ms and CPU ms from the
    floor (numpy, pandas imported and the inputs built) to the first result)"""
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"cold-start child failed:\n{proc.stderr[-2000:]}")
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    added = [None if last[k] is None else last[k] * 1e3 for k in ("added_wall_s", "added_cpu_s")]
    return ((last["t"] - t0) * 1e3, last["cpu_s"] * 1e3, last["rss_kb"] / 1024,
            last["numba_loaded"], *added)


def _scenarios(names, cache_dir: str, pycache: str):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("FTACCEL_", "NUMBA_", "PYTHONDONTWRITEBYTECODE"))}
    base["PYTHONPYCACHEPREFIX"] = pycache
    compiled = dict(base, FTACCEL_BACKEND="compiled")
    jit = dict(base, FTACCEL_BACKEND="jit", NUMBA_CACHE_DIR=cache_dir)
    jit_cached = dict(jit, FTACCEL_JIT_CACHE="1")
    yield "floor: numpy, pandas + the inputs", _DATA, base
    yield "import numpy, pandas only", "import numpy, pandas", base
    for family, call in _FAMILY_CALLS.items():
        code = _DATA + call
        yield f"{family}: compiled", code, compiled
        yield f"{family}: numba JIT, no cache", code, jit
        yield f"{family}: numba JIT, cache warm", code, jit_cached
        if family == "indicators" and _has("talib"):
            yield "indicators: TA-Lib", _DATA + "import talib\nout = talib.RSI(close, 14)", base
    code = _DATA + _strategy_code(names, talib=False)
    yield "strategy set: compiled", code, compiled
    yield "strategy set: numba JIT, no cache", code, jit
    yield "strategy set: numba JIT, cache warm", code, jit_cached
    if _has("talib"):
        yield "strategy set: TA-Lib (abstract)", _DATA + _strategy_code(names, True), base


def installed_size(dist: str) -> int | None:
    """Bytes of an installed distribution's files (None when it is not installed)."""
    from importlib import metadata

    try:
        files = metadata.distribution(dist).files or []
    except metadata.PackageNotFoundError:
        return None
    total = 0
    for f in files:
        try:
            total += f.locate().stat().st_size
        except OSError:
            pass
    return total


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def cold_start(repeat: int = 5) -> list[dict]:
    """Run every scenario ``repeat`` times; print and return the medians.

    ``wall``: process start -> first result by the clock; ``cpu``: the child's own CPU
    time (user + system) up to its first result, which a busy machine inflates far less;
    ``added``: measured inside the child, from the floor (numpy and pandas imported, inputs
    built) to the first result: what the library costs, free of interpreter-start noise.
    """
    names = strategy_names()
    rows = []
    print(f"ftaccel cold start: median of {repeat} fresh processes, process start -> first "
          f"result; Python {sys.version.split()[0]}")
    print(f"strategy set (Freqtrade sample strategy, those ftaccel has): "
          f"{', '.join(names)} + qtpylib.bollinger_bands(typical_price)")
    print(f"{'scenario':38s} {'wall':>7s} {'cpu':>7s} {'added wall':>11s} {'added cpu':>10s} "
          f"{'peak RSS':>9s}  numba")
    with tempfile.TemporaryDirectory(prefix="ftaccel-coldstart-") as tmp:
        cache_dir, pycache = os.path.join(tmp, "numba"), os.path.join(tmp, "pycache")
        for label, code, env in _scenarios(names, cache_dir, pycache):
            code = code + "\n" + _CHILD_END
            _run_once(code, env)  # untimed: bytecode, file cache (and numba's cache if on)
            runs = [_run_once(code, env) for _ in range(repeat)]
            wall, cpu, rss, _, add_wall, add_cpu = (_median(r[k] for r in runs)
                                                    for k in range(6))
            row = {"scenario": label, "wall_ms": wall, "cpu_ms": cpu, "added_wall_ms": add_wall,
                   "added_cpu_ms": add_cpu, "peak_rss_mb": rss,
                   "numba_loaded": any(r[3] for r in runs)}
            rows.append(row)
            print(f"{label:38s} {wall:5.0f}ms {cpu:5.0f}ms {add_wall:9.1f}ms {add_cpu:8.1f}ms "
                  f"{rss:7.0f}MB  {'yes' if row['numba_loaded'] else 'no'}", flush=True)
    by = {r["scenario"]: r for r in rows}
    comp, jit, warm = (by[f"strategy set: {k}"] for k in
                       ("compiled", "numba JIT, no cache", "numba JIT, cache warm"))
    print(f"\nstrategy set: compiled adds {comp['added_wall_ms']:.1f} ms wall "
          f"({comp['added_cpu_ms']:.1f} ms CPU) over the floor; numba JIT without cache adds "
          f"{jit['added_wall_ms']:.0f} ms ({jit['added_wall_ms'] / comp['added_wall_ms']:.0f}x; "
          f"process start -> values {jit['wall_ms'] / comp['wall_ms']:.1f}x), with a warm "
          f"cache {warm['added_wall_ms']:.0f} ms "
          f"({warm['added_wall_ms'] / comp['added_wall_ms']:.0f}x)")
    sizes = {d: installed_size(d) for d in ("ftaccel", "numba", "llvmlite")}
    if sizes["ftaccel"] is not None and sizes["ftaccel"] < 100_000:
        sizes["ftaccel"] = None  # an editable install lists no package files
    print("installed size: " + ", ".join(
        f"{d} {s / 1e6:.1f} MB" if s is not None else f"{d} not installed from a wheel"
        for d, s in sizes.items()))
    return rows
