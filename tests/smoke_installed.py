"""Smoke test of an installed ftaccel wheel (run by cibuildwheel, the Dockerfile and the
wheel tests): no numba/llvmlite present, every family on its compiled module, and one
hand-checked result per family.

    python tests/smoke_installed.py        # exit status 0 when all checks pass

Run it from outside the source tree, so ``import ftaccel`` finds the installed package.
"""

from __future__ import annotations

import importlib.util
import math
import platform
import sys


def main() -> int:
    for name in ("numba", "llvmlite"):
        if importlib.util.find_spec(name) is not None:
            raise SystemExit(f"{name} is importable: the wheel must run without it")

    import numpy as np
    import pandas as pd

    import ftaccel
    import ftaccel.backtest as bt
    import ftaccel.metrics as fm
    import ftaccel.ta as ta

    families = ftaccel.info()["families"]
    for name, fam in families.items():
        if fam["backend"] != "compiled":
            raise SystemExit(f"family {name} is on {fam['backend']}: {fam['reason']}")

    # Indicators: SMA(1..10, 3) is the running mean of three integers; RSI of a strictly
    # rising series is 100 once the 14-candle lookback is filled.
    sma = ta.SMA(np.arange(1.0, 11.0), timeperiod=3)
    assert np.isnan(sma[:2]).all() and np.array_equal(sma[2:], np.arange(2.0, 10.0)), sma
    rsi = ta.RSI(np.arange(1.0, 21.0), timeperiod=14)
    assert np.isnan(rsi[:14]).all() and np.array_equal(rsi[14:], np.full(6, 100.0)), rsi

    # Metrics: wins of 10 and losses of 5, half each: expectancy 0.5*10 - 0.5*5 = 2.5,
    # ratio (1 + 10/5) * 0.5 - 1 = 0.5.
    expectancy, ratio = fm.calculate_expectancy(pd.DataFrame({"profit_abs": [10.0, -5, 10, -5]}))
    assert math.isclose(expectancy, 2.5) and math.isclose(ratio, 0.5), (expectancy, ratio)

    # Backtest: entry at 100 with a 10% stop; candle 3's low (80) crosses the stop at 90.
    open_ = np.full(5, 100.0)
    low = np.array([99.0, 99, 99, 80, 99])
    got = bt.exit_scan(open_, open_ + 1, low, np.arange(5) * 5, 0, 100.0, stoploss=-0.1,
                       minimal_roi={0: 10.0})
    assert got == (3, "stop_loss", 90.0), got

    leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("numba", "llvmlite"))
    assert not leaked, leaked
    cpu = {fam["build"].get("target_cpu") for fam in families.values()}
    if platform.machine().lower() in ("x86_64", "amd64"):  # the wheel holds the FMA build
        if importlib.util.find_spec("ftaccel._aot_indicators_fma") is None:
            raise SystemExit("x86-64 wheel without ftaccel._aot_indicators_fma")
    print(f"FMA module: {families['indicators']['fma']}")
    print(f"ftaccel {ftaccel.__version__} smoke ok: compiled backends, target CPU {cpu}, "
          f"numpy {np.__version__}, pandas {pd.__version__}, from {ftaccel.__file__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
