"""Built-in benchmark and self-check on generated (seeded) candles.

``python -m ftaccel bench`` prints, per function, the time of ftaccel's compiled kernel,
of its numpy fallback and of the outside reference (TA-Lib, Freqtrade) when installed,
as ratios measured in this one process. ``python -m ftaccel verify`` checks compiled
against fallback against reference and exits non-zero on a mismatch.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from . import _backend


def candles(n: int = 10_000, seed: int = 42, timeframe: str = "5min") -> pd.DataFrame:
    """Synthetic OHLCV candles (geometric random walk), Freqtrade's column layout."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.002, n)))
    open_ = np.concatenate(([100.0], close[:-1])) * np.exp(rng.normal(0.0, 0.0005, n))
    spread = np.abs(rng.normal(0.0, 0.0015, n)) * close
    high = np.maximum(open_, close) + spread
    low = np.minimum(open_, close) - spread * rng.random(n)
    volume = rng.gamma(2.0, 50.0, n)
    volume[rng.random(n) < 0.01] = 0.0
    dates = pd.date_range("2024-01-01", periods=n, freq=timeframe, tz="UTC")
    return pd.DataFrame({"date": dates, "open": open_, "high": high, "low": low,
                         "close": close, "volume": volume})


def trades(n: int = 1_000, seed: int = 7) -> pd.DataFrame:
    """Synthetic closed trades with Freqtrade's ``close_date``/``profit_abs``/``profit_ratio``."""
    rng = np.random.default_rng(seed)
    ratio = rng.normal(0.002, 0.02, n)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    close_date = start + pd.to_timedelta(np.sort(rng.integers(0, 60 * 24 * 90, n)), unit="min")
    return pd.DataFrame({"pair": "BTC/USDT", "close_date": close_date,
                         "profit_ratio": ratio, "profit_abs": ratio * 100.0})


def _best(func, repeat: int) -> float:
    func()  # warm caches (and the JIT, if that backend is on)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def _with_backend(backend, family, func):
    fam = _backend.family(family)
    saved = fam.backend
    fam.set(backend)
    try:
        return func()
    finally:
        fam.set(saved)


def _optional(module):
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        return None


def _cases(size: int):
    """(family, label, ftaccel callable, reference callable or None, reference name)."""
    from . import backtest, metrics, ta

    df = candles(size)
    close, high, low = (np.ascontiguousarray(df[c].to_numpy()) for c in ("close", "high", "low"))
    talib = _optional("talib")
    for ind in ta.FUNCTIONS:
        arrays = [np.ascontiguousarray(df[col].to_numpy()) for _, col in ind.inputs]
        ours = getattr(ta, ind.name)
        ref = getattr(talib, ind.name) if talib else None
        yield ("indicators", ind.name, lambda o=ours, a=arrays: o(*a),
               (lambda r=ref, a=arrays: r(*a)) if ref else None, "TA-Lib")

    tr = trades(1_000)
    ft = _optional("freqtrade.data.metrics")
    yield ("metrics", "calculate_max_drawdown (1k trades)",
           lambda: metrics.calculate_max_drawdown(tr, starting_balance=1000),
           (lambda: ft.calculate_max_drawdown(tr, starting_balance=1000)) if ft else None,
           "freqtrade")

    minutes = (df["date"].astype("int64") // 60_000_000_000).to_numpy() if size else np.zeros(0)
    roi = {0: 10.0}  # never reached: the scan runs over every candle
    yield ("backtest", f"exit_scan ({size:,} candles)",
           lambda: backtest.exit_scan(df["open"].to_numpy(), high, low, minutes, 0,
                                      float(close[0]), stoploss=-0.99, minimal_roi=roi),
           None, "")


def bench(size: int = 1_000_000, repeat: int = 5) -> list[dict]:
    """Print and return timings: compiled, numpy fallback, reference, and their ratios."""
    rows = []
    print(f"ftaccel bench: {size:,} generated candles, best of {repeat}; "
          "ratio = other time / ftaccel compiled time (higher is better for ftaccel)")
    print(f"{'function':38s} {'compiled':>10s} {'numpy':>10s} {'reference':>10s} "
          f"{'vs numpy':>9s} {'vs ref':>8s}")
    for family, label, ours, ref, ref_name in _cases(size):
        t_comp = _with_backend("compiled", family, lambda o=ours: _best(o, repeat))
        t_np = _with_backend("numpy", family, lambda o=ours: _best(o, repeat))
        t_ref = _best(ref, repeat) if ref else float("nan")
        row = {"function": label, "family": family, "compiled_s": t_comp, "numpy_s": t_np,
               "reference": ref_name if ref else None, "reference_s": t_ref,
               "backend": _backend.family(family).backend}
        rows.append(row)
        ref_ratio = f"{t_ref / t_comp:7.1f}x" if ref else "      -"
        print(f"{label:38s} {t_comp * 1e3:8.3f}ms {t_np * 1e3:8.3f}ms "
              f"{(f'{t_ref * 1e3:8.3f}ms' if ref else '         -'):>10s} "
              f"{t_np / t_comp:8.1f}x {ref_ratio}")
    backends = {f: _backend.family(f).backend for f in _backend.FAMILIES}
    print(f"backends: {backends}")
    return rows


def balance_history(n: int = 1_000, seed: int = 11) -> pd.DataFrame:
    """Synthetic wallet snapshots (``date``, ``total_quote``) over about 90 days."""
    tr = trades(n, seed)
    return pd.DataFrame({"date": tr["close_date"],
                         "total_quote": 1_000.0 + np.cumsum(tr["profit_abs"].to_numpy())})


def pairs(count: int = 10, n: int = 10_000) -> dict[str, pd.DataFrame]:
    """``count`` pairs of ``n`` aligned generated 5m candles."""
    return {f"P{i}/USDT": candles(n, seed=100 + i) for i in range(count)}


#: trades per call for the per-trade metrics, pairs for the dict-of-frames functions
METRICS_SIZES = (100, 1_000, 100_000)
METRICS_PAIRS = (10, 100)


def _metrics_cases(ft):
    """(function, size label, ftaccel callable, Freqtrade callable) for every metric."""
    from . import metrics as fm

    for n in METRICS_SIZES:
        tr = trades(n)
        lo, hi = tr["close_date"].iloc[0], tr["close_date"].iloc[-1]
        hist = balance_history(n)
        per_trade = {
            "calculate_max_drawdown": lambda m, tr=tr: m.calculate_max_drawdown(
                tr, starting_balance=1000),
            "calculate_underwater": lambda m, tr=tr: m.calculate_underwater(tr),
            "calculate_sharpe": lambda m, tr=tr, lo=lo, hi=hi: m.calculate_sharpe(
                tr, lo, hi, 1000),
            "calculate_sortino": lambda m, tr=tr, lo=lo, hi=hi: m.calculate_sortino(
                tr, lo, hi, 1000),
            "calculate_calmar": lambda m, tr=tr, lo=lo, hi=hi: m.calculate_calmar(
                tr, lo, hi, 1000),
            "calculate_expectancy": lambda m, tr=tr: m.calculate_expectancy(tr),
            "calculate_sqn": lambda m, tr=tr: m.calculate_sqn(tr, 1000),
            "calculate_csum": lambda m, tr=tr: m.calculate_csum(tr, 1000),
            "calculate_p_value": lambda m, tr=tr: m.calculate_p_value(tr, 1000),
            "calculate_sharpe_from_balance": lambda m, h=hist:
                m.calculate_sharpe_from_balance(h),
            "calculate_sortino_from_balance": lambda m, h=hist:
                m.calculate_sortino_from_balance(h),
            "calculate_calmar_from_balance": lambda m, h=hist:
                m.calculate_calmar_from_balance(h),
            "calculate_max_drawdown_from_balance": lambda m, h=hist:
                m.calculate_max_drawdown_from_balance(h),
        }
        for name, call in per_trade.items():
            yield (name, f"{n:,} trades", lambda c=call: c(fm),
                   (lambda c=call: c(ft)) if ft else None)
    yield ("calculate_cagr", "scalar", lambda: fm.calculate_cagr(90, 1000.0, 1234.5),
           (lambda: ft.calculate_cagr(90, 1000.0, 1234.5)) if ft else None)
    for count in METRICS_PAIRS:
        data = pairs(count)
        dates = next(iter(data.values()))["date"]
        lo, hi = dates.iloc[100], dates.iloc[-100]
        comb = fm.combine_dataframes_with_mean(data)
        tr = trades(1_000)
        tr["close_date"] = tr["close_date"] - tr["close_date"].iloc[0] + dates.iloc[0]
        per_pairs = {
            "calculate_market_change": lambda m, d=data, lo=lo: m.calculate_market_change(
                d, min_date=lo),
            "combine_dataframes_by_column": lambda m, d=data:
                m.combine_dataframes_by_column(d),
            "combine_dataframes_with_mean": lambda m, d=data:
                m.combine_dataframes_with_mean(d),
            "combined_dataframes_with_rel_mean": lambda m, d=data, lo=lo, hi=hi:
                m.combined_dataframes_with_rel_mean(d, lo, hi),
            "create_cum_profit": lambda m, c=comb, tr=tr: m.create_cum_profit(
                c.copy(deep=False), tr, "cum_profit", "5m"),
        }
        for name, call in per_pairs.items():
            yield (name, f"{count} pairs x 10,000", lambda c=call: c(fm),
                   (lambda c=call: c(ft)) if ft else None)


def bench_metrics(repeat: int = 5) -> list[dict]:
    """Print and return, per metric and size, Freqtrade's time / ftaccel's time."""
    import warnings

    ft = _optional("freqtrade.data.metrics")
    rows = []
    print(f"ftaccel bench --family metrics: generated trades / candles, best of {repeat}; "
          "ratio = Freqtrade time / ftaccel time (higher is better for ftaccel)")
    print(f"{'function':38s} {'size':>20s} {'ftaccel':>11s} {'freqtrade':>11s} {'ratio':>8s}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name, size, ours, ref in _metrics_cases(ft):
            t_ours = _best(ours, repeat)
            t_ref = _best(ref, repeat) if ref else float("nan")
            rows.append({"function": name, "size": size, "ftaccel_s": t_ours,
                         "freqtrade_s": t_ref, "ratio": t_ref / t_ours})
            ratio = f"{t_ref / t_ours:7.1f}x" if ref else "      -"
            ref_ms = f"{t_ref * 1e3:9.3f}ms" if ref else "          -"
            print(f"{name:38s} {size:>20s} {t_ours * 1e3:9.3f}ms {ref_ms} {ratio}")
    print(f"backend: {_backend.family('metrics').backend}")
    return rows


def _same(a, b, rtol=1e-9) -> bool:
    if isinstance(a, tuple):
        return all(_same(x, y, rtol) for x, y in zip(a, b))
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.nanmax(np.abs(b)) if b.size and not np.isnan(b).all() else 1.0
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=rtol * scale, equal_nan=True)


def verify(size: int = 5_000) -> bool:
    """Compiled vs numpy fallback (vs reference when installed); prints one line each."""
    ok = True
    for family, label, ours, ref, ref_name in _cases(size):
        got = _with_backend("compiled", family, ours)
        slow = _with_backend("numpy", family, ours)
        if hasattr(got, "drawdown_abs"):
            fields = ("drawdown_abs", "high_value", "low_value", "relative_account_drawdown")
            got, slow = (tuple(getattr(r, f) for f in fields) for r in (got, slow))
            expect = tuple(getattr(ref(), f) for f in fields) if ref else None
        else:
            expect = ref() if ref else None
        good = _same(got, slow) and (expect is None or _same(got, expect))
        ok &= good
        versus = f" and {ref_name}" if ref else ""
        print(f"{'ok  ' if good else 'FAIL'} {label}: {_backend.family(family).backend} vs "
              f"numpy{versus}")
    return ok
