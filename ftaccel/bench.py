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


def _best(func, repeat: int, min_time: float = 0.05) -> float:
    """Best time of ``func()`` over ``repeat`` calls, or more for a short call: until
    ``min_time`` seconds were spent (at most ``50 * repeat`` calls), so that one context
    switch cannot decide a sub-millisecond figure."""
    func()  # warm caches (and the JIT, if that backend is on)
    best = float("inf")
    spent = 0.0
    calls = 0
    while calls < repeat or (spent < min_time and calls < 50 * repeat):
        t0 = time.perf_counter()
        func()
        took = time.perf_counter() - t0
        best = min(best, took)
        spent += took
        calls += 1
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

    data, config = signal_backtest_case(size)
    yield ("backtest", f"backtest ({len(data)} pairs x {size // len(data):,} candles)",
           lambda: backtest.backtest(data, config)["profit_abs"].to_numpy(), None, "")

    args, ref = _trade_profit_case(1_000)
    yield ("backtest", "trade_profit (1k trades)", lambda: backtest.trade_profit(*args),
           ref, "freqtrade LocalTrade")

    small = min(size, 20_000)
    data, config = signal_backtest_case(small)
    params = sweep_params(4)
    config = {k: v for k, v in config.items() if k not in backtest.SWEEP_KEYS}
    yield ("backtest", f"sweep (4 sets, {len(data)} pairs x {small // len(data):,} candles)",
           lambda: backtest.sweep(data, config, params, threads=1).to_numpy(dtype=float),
           None, "")


def _trade_profit_case(n: int, seed: int = 13):
    """Random long/short trades for ``trade_profit``, and Freqtrade's ``LocalTrade`` values
    of them (None without freqtrade; the trade objects are built outside the timing)."""
    rng = np.random.default_rng(seed)
    open_rate = np.round(100.0 * np.exp(rng.normal(0, 1, n)), 8)
    close_rate = np.round(open_rate * np.exp(rng.normal(0, 0.03, n)), 8)
    amount = np.round(1_000.0 / open_rate, 8)
    short = rng.random(n) < 0.5
    args = (open_rate, close_rate, amount, 0.001, 0.001, short)
    if _optional("freqtrade.persistence") is None:
        return args, None
    from datetime import UTC, datetime

    from freqtrade.enums import TradingMode
    from freqtrade.persistence.trade_model import LocalTrade

    trades = []
    for i in range(n):
        t = LocalTrade(pair="X/Y", open_rate=float(open_rate[i]), amount=float(amount[i]),
                       fee_open=0.001, fee_close=0.001, is_short=bool(short[i]),
                       trading_mode=TradingMode.FUTURES, leverage=1.0, stake_amount=1.0,
                       exchange="binance", open_date=datetime(2024, 1, 1, tzinfo=UTC))
        t.recalc_open_trade_value()
        trades.append((t, float(close_rate[i])))

    def ref():
        return (np.array([t.calc_profit(c) for t, c in trades]),
                np.array([t.calc_profit_ratio(c) for t, c in trades]))

    return args, ref


def signal_backtest_case(size: int, pairs: int = 4, seed: int = 5):
    """Generated pairs with random entry/exit signals and a config using ROI, stoploss,
    trailing stop, exit signals and 3 slots; prices on the markets' 1e-8 grid."""
    n = max(size // pairs, 2)
    rng = np.random.default_rng(seed)
    data, markets = {}, {}
    for i in range(pairs):
        df = candles(n, seed=seed + i)
        for c in ("open", "high", "low", "close"):
            df[c] = df[c].round(8)
        df["enter_long"] = (rng.random(n) < 0.02).astype(int)
        df["exit_long"] = (rng.random(n) < 0.01).astype(int)
        pair = f"P{i}/USDT"
        data[pair] = df
        markets[pair] = {"precision": {"price": 1e-8, "amount": 1e-8}}
    config = {"timeframe": "5m", "stoploss": -0.03, "minimal_roi": {"0": 0.02, "60": 0.01},
              "trailing_stop": True, "trailing_stop_positive": 0.01,
              "trailing_stop_positive_offset": 0.015, "stake_amount": 100.0,
              "dry_run_wallet": 1000.0, "max_open_trades": 3, "fee": 0.001,
              "markets": markets}
    return data, config


def bench_vs_freqtrade(size: int = 20_000, pairs: int = 4, repeat: int = 3) -> dict:
    """Time Freqtrade's backtest loop (``Backtesting.backtest``, indicators excluded) and
    ftaccel's compiled backtest on the same generated signals; checks the trades agree.

    Needs freqtrade installed; runs offline (markets are handed to the exchange).
    """
    import tempfile
    from pathlib import Path

    from . import backtest
    from ._freqtrade_ref import run_freqtrade

    data, config = signal_backtest_case(size, pairs)
    markets = config.pop("markets")
    ft_markets = {}
    from ._freqtrade_ref import make_markets
    ft_markets = make_markets(list(markets))
    timings: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        ft = run_freqtrade({k: v.copy() for k, v in data.items()}, config, ft_markets,
                           Path(tmp), timings)
    full = {**config, "markets": ft_markets}
    ours = _with_backend("compiled", "backtest", lambda: backtest.backtest(data, full))
    same = (len(ft) == len(ours)
            and np.allclose(ft["profit_abs"], ours["profit_abs"], rtol=1e-9, atol=0))
    t_ours = _with_backend("compiled", "backtest",
                           lambda: _cpu_best(lambda: backtest.backtest(data, full), repeat))
    ratio = timings["loop_cpu_s"] / t_ours
    print(f"backtest vs Freqtrade ({pairs} pairs x {size // pairs:,} candles, {len(ft)} trades, "
          f"same trades: {same}): Freqtrade loop {timings['loop_cpu_s']:.3f}s, ftaccel "
          f"{t_ours * 1e3:.2f}ms -> {ratio:,.0f}x (process CPU time)")
    return {"freqtrade_s": timings["loop_cpu_s"], "ftaccel_s": t_ours, "ratio": ratio,
            "same_trades": same, "trades": len(ft)}


def _cpu_best(func, repeat: int) -> float:
    """Best process CPU time of ``repeat`` calls (CPU time: wall time on a shared machine
    counts other processes' work)."""
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        func()
        best = min(best, time.process_time() - c0)
    return best


#: the strategy settings of the backtest benchmarks (ROI table, stoploss, trailing stop with
#: offset, exit signals, fixed stake)
BACKTEST_SETTINGS = {"timeframe": "5m", "stoploss": -0.03,
                     "minimal_roi": {"0": 0.02, "60": 0.01}, "trailing_stop": True,
                     "trailing_stop_positive": 0.01, "trailing_stop_positive_offset": 0.015,
                     "fee": 0.001}


def bench_vs_freqtrade_shared(data_dir=None, repeat: int = 5, ft_repeat: int = 2) -> list:
    """Freqtrade's backtest loop vs ``ftaccel.backtest.backtest`` (trades frame included)
    on the shared 5m pairs (``data_dir`` / ``$FTACCEL_DATA_DIR``) with seeded signals, at
    max_open_trades 1, 3 and unlimited: process CPU time, best of ``ft_repeat`` (Freqtrade)
    and ``repeat`` (ftaccel); the trades are compared. [] when no data is found."""
    import tempfile
    from pathlib import Path

    from . import backtest
    from ._freqtrade_ref import make_markets, run_freqtrade

    data = shared_pairs(data_dir)
    if data is None:
        print("backtest vs Freqtrade on the shared pairs: no *-5m.feather files "
              "(--data-dir / FTACCEL_DATA_DIR)")
        return []
    markets = make_markets(list(data))
    candles_total = sum(len(df) for df in data.values())
    print(f"backtest vs Freqtrade's loop, {len(data)} shared pairs ({candles_total:,} "
          "pair-candles), process CPU time:")
    rows = []
    for slots in (1, 3, -1):
        config = {**BACKTEST_SETTINGS, "stake_amount": 0.05, "dry_run_wallet": 1.0,
                  "max_open_trades": slots}
        t_ft, ft = float("inf"), None
        for _ in range(ft_repeat):
            timings: dict = {}
            with tempfile.TemporaryDirectory() as tmp:
                ft = run_freqtrade({k: v.copy() for k, v in data.items()}, config, markets,
                                   Path(tmp), timings)
            t_ft = min(t_ft, timings["loop_cpu_s"])
        full = {**config, "markets": markets}
        ours = _with_backend("compiled", "backtest", lambda c=full: backtest.backtest(data, c))
        same = (len(ft) == len(ours) and list(ft["pair"]) == list(ours["pair"])
                and np.allclose(ft["profit_abs"], ours["profit_abs"], rtol=1e-9, atol=0))
        t_ours = _with_backend("compiled", "backtest", lambda c=full: _cpu_best(
            lambda: backtest.backtest(data, c), repeat))
        row = {"max_open_trades": "unlimited" if slots < 0 else slots, "trades": len(ft),
               "freqtrade_s": t_ft, "ftaccel_s": t_ours, "ratio": t_ft / t_ours,
               "same_trades": same}
        rows.append(row)
        print(f"  max_open_trades {row['max_open_trades']!s:>9}: {len(ft):5d} trades (same: "
              f"{same}), Freqtrade {t_ft:6.2f}s, ftaccel {t_ours * 1e3:6.2f}ms -> "
              f"{row['ratio']:,.0f}x")
    return rows


def bench_backtest_scale(pairs: int = 100, candles_per_pair: int = 100_000,
                         repeat: int = 3) -> dict:
    """``ftaccel.backtest.backtest`` alone on ``pairs`` generated pairs of
    ``candles_per_pair`` candles (3 slots): too big for Freqtrade's loop, whose cost per
    pair-candle :func:`bench_vs_freqtrade` measures."""
    from . import backtest

    data, config = signal_backtest_case(pairs * candles_per_pair, pairs)
    plan = backtest._plan(data, config)
    trades = len(backtest.backtest(data, config))
    t_all = _with_backend("compiled", "backtest", lambda: _cpu_best(
        lambda: backtest.backtest(data, config), repeat))
    t_kernel = _with_backend("compiled", "backtest", lambda: _cpu_best(
        lambda: backtest._run(plan, plan.settings, plan.roi_keys, plan.roi_vals), repeat))
    n = pairs * candles_per_pair
    print(f"backtest of {pairs} generated pairs x {candles_per_pair:,} candles ({trades:,} "
          f"trades): {t_all:.3f}s CPU ({t_kernel:.3f}s in the compiled loop, "
          f"{t_kernel / n * 1e9:.0f} ns per pair-candle)")
    return {"pairs": pairs, "candles": candles_per_pair, "trades": trades,
            "ftaccel_s": t_all, "kernel_s": t_kernel}


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


def sample_strategy(dataframe: pd.DataFrame, ta, qtpylib) -> pd.DataFrame:
    """The indicator columns of Freqtrade's sample strategy (``populate_indicators``),
    computed with the given ``ta`` (``talib.abstract`` or ``ftaccel.ta``) and ``qtpylib``
    (``technical.qtpylib`` or ``ftaccel.qtpylib``) modules."""
    out = {"adx": ta.ADX(dataframe), "rsi": ta.RSI(dataframe)}
    stoch_fast = ta.STOCHF(dataframe)
    out["fastd"], out["fastk"] = stoch_fast["fastd"], stoch_fast["fastk"]
    macd = ta.MACD(dataframe)
    for col in ("macd", "macdsignal", "macdhist"):
        out[col] = macd[col]
    out["mfi"] = ta.MFI(dataframe)
    bollinger = qtpylib.bollinger_bands(qtpylib.typical_price(dataframe), window=20, stds=2)
    lower, mid, upper = bollinger["lower"], bollinger["mid"], bollinger["upper"]
    out.update(bb_lowerband=lower, bb_middleband=mid, bb_upperband=upper,
               bb_percent=(dataframe["close"] - lower) / (upper - lower),
               bb_width=(upper - lower) / mid)
    out["sar"] = ta.SAR(dataframe)
    out["tema"] = ta.TEMA(dataframe, timeperiod=9)
    hilbert = ta.HT_SINE(dataframe)
    out["htsine"], out["htleadsine"] = hilbert["sine"], hilbert["leadsine"]
    return pd.DataFrame(out, index=dataframe.index)


def _qtpylib_cases(df):
    c = df["close"]
    lagged = c.shift(3)  # an input, made once: the helper alone is timed on both sides
    return {
        "typical_price": lambda m: m.typical_price(df), "mid_price": lambda m: m.mid_price(df),
        "true_range": lambda m: m.true_range(df), "atr": lambda m: m.atr(df, 14),
        "crossed_above": lambda m: m.crossed_above(c, lagged),
        "rolling_mean": lambda m: m.rolling_mean(c, 20),
        "rolling_std": lambda m: m.rolling_std(c, 20),
        "rolling_min": lambda m: m.rolling_min(c, 20),
        "rolling_max": lambda m: m.rolling_max(c, 20),
        "rolling_weighted_mean": lambda m: m.rolling_weighted_mean(c, 20),
        "hma": lambda m: m.hma(c, 20), "rolling_vwap": lambda m: m.rolling_vwap(df, 200),
        "rsi": lambda m: m.rsi(c, 14), "macd": lambda m: m.macd(c),
        "bollinger_bands": lambda m: m.bollinger_bands(c, 20, 2),
        "weighted_bollinger_bands": lambda m: m.weighted_bollinger_bands(c, 20, 2),
        "keltner_channel": lambda m: m.keltner_channel(df), "roc": lambda m: m.roc(c),
        "cci": lambda m: m.cci(df), "stoch": lambda m: m.stoch(df),
        "zlema": lambda m: m.zlema(c, 20), "zscore": lambda m: m.zscore(df),
        "heikinashi": lambda m: m.heikinashi(df), "returns": lambda m: m.returns(c),
        "log_returns": lambda m: m.log_returns(c), "pvt": lambda m: m.pvt(df),
        "chopiness": lambda m: m.chopiness(df),
    }


def bench_indicators(repeat: int = 5, big: int = 1_000_000, small: int = 500,
                     qt_size: int = 10_000) -> list[dict]:
    """Per TA-Lib function, ftaccel's time / TA-Lib's time on ``big`` and ``small`` candles
    (below 1.0 ftaccel is faster); per qtpylib helper, technical's time / ftaccel's on
    ``qt_size`` candles; and the sample strategy's ``populate_indicators`` both ways."""
    import warnings

    from . import qtpylib, ta

    talib = _optional("talib")
    talib_abstract = _optional("talib.abstract")
    ref_qt = _optional("technical.qtpylib")
    rows = []
    frames = {size: candles(size) for size in (big, small)}
    print(f"ftaccel bench --family indicators: best of {repeat}; time ratio ftaccel / TA-Lib "
          "(below 1.0: ftaccel is faster)")
    print(f"{'function':20s} {f'{big:,} candles':>30s} {f'{small:,} candles':>30s}")
    for ind in ta.FUNCTIONS:
        cells = []
        row = {"function": ind.name}
        for size, df in frames.items():
            arrays = [np.ascontiguousarray(df[col].to_numpy()) for _, col in ind.inputs]
            ours = getattr(ta, ind.name)
            t_ours = _best(lambda o=ours, a=arrays: o(*a), repeat)
            t_ref = float("nan")
            if talib:
                ref = getattr(talib, ind.name)
                t_ref = _best(lambda r=ref, a=arrays: r(*a), repeat)
            row[f"ftaccel_s_{size}"], row[f"talib_s_{size}"] = t_ours, t_ref
            cells.append(f"{t_ours * 1e6:10.1f}us {t_ref * 1e6:10.1f}us {t_ours / t_ref:5.2f}x")
        rows.append(row)
        print(f"{ind.name:20s} {cells[0]:>30s} {cells[1]:>30s}")
    if ref_qt is not None:
        df = candles(qt_size)
        print(f"\nqtpylib helpers on {qt_size:,} candles: speedup = technical time / ftaccel "
              "time (above 1.0: ftaccel is faster)")
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            for name, call in _qtpylib_cases(df).items():
                t_ours = _best(lambda c=call: c(qtpylib), repeat)
                t_ref = _best(lambda c=call: c(ref_qt), min(repeat, 2))
                rows.append({"function": f"qtpylib.{name}", "ftaccel_s": t_ours,
                             "technical_s": t_ref})
                print(f"{name:26s} {t_ours * 1e3:9.3f}ms {t_ref * 1e3:9.3f}ms "
                      f"{t_ref / t_ours:7.1f}x")
    if talib_abstract is not None and ref_qt is not None:
        for size in (small, 10_000, big):
            df = candles(size)
            t_ours = _best(lambda d=df: sample_strategy(d, ta, qtpylib), repeat)
            t_ref = _best(lambda d=df: sample_strategy(d, talib_abstract, ref_qt), repeat)
            rows.append({"function": f"sample strategy ({size:,} candles)", "ftaccel_s": t_ours,
                         "reference_s": t_ref})
            print(f"sample strategy populate_indicators, {size:,} candles: ftaccel "
                  f"{t_ours * 1e3:.2f}ms, TA-Lib + technical.qtpylib {t_ref * 1e3:.2f}ms "
                  f"({t_ref / t_ours:.2f}x)")
    print(f"backend: {_backend.family('indicators').backend}")
    return rows


def ratios(rows: list[dict]) -> dict[str, float]:
    """One speed ratio per benchmark row, keyed by function (and size): the reference's
    time / ftaccel's time, or the numpy fallback's when no reference ran. Higher is better,
    so a fall is a regression."""
    out = {}
    for row in rows:
        name = row["function"] + (f" ({row['size']})" if "size" in row else "")
        if "ratio" in row:
            out[name] = row["ratio"]
        elif "compiled_s" in row:
            ref = row.get("reference_s", float("nan"))
            out[name] = (ref if ref == ref else row["numpy_s"]) / row["compiled_s"]
        elif "talib_s_500" in row or any(k.startswith("talib_s_") for k in row):
            for key in row:
                if key.startswith("talib_s_"):
                    size = key[len("talib_s_"):]
                    out[f"{name} ({size} candles)"] = row[key] / row[f"ftaccel_s_{size}"]
        else:
            ref = row.get("technical_s", row.get("reference_s", float("nan")))
            out[name] = ref / row["ftaccel_s"]
    return {k: float(v) for k, v in out.items() if v == v}


def require_matplotlib():
    """matplotlib.pyplot on the non-interactive Agg backend, or an ImportError saying how
    to get it (it is the optional ``chart`` extra)."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("the PNG chart needs matplotlib: pip install 'ftaccel[chart]' "
                          "(or pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def chart(rows: list[dict], path) -> None:
    """Write the rows' speed ratios (see :func:`ratios`) as a PNG bar chart to ``path``:
    one bar per function, log scale, the line at 1 marking parity with the reference."""
    plt = require_matplotlib()
    items = sorted(ratios(rows).items(), key=lambda kv: kv[1])
    if not items:
        raise ValueError("no ratios to chart")
    names, values = [k for k, _ in items], [v for _, v in items]
    fig, ax = plt.subplots(figsize=(9, 1.0 + 0.22 * len(items)))
    try:
        ax.barh(range(len(items)), values,
                color=["tab:green" if v >= 1 else "tab:red" for v in values])
        ax.set_yticks(range(len(items)), names, fontsize=7)
        ax.set_xscale("log")
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xlabel("speed ratio: reference (or numpy fallback) time / ftaccel time")
        ax.set_title("ftaccel bench")
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=100)
    finally:
        plt.close(fig)


def export(rows: list[dict], json_path=None, csv_path=None) -> None:
    """Write the rows and their ratios as JSON (``{"rows", "ratios"}``) and/or CSV."""
    import csv
    import json

    if json_path:
        with open(json_path, "w") as fh:
            json.dump({"rows": rows, "ratios": ratios(rows)}, fh, indent=1, default=str)
    if csv_path:
        keys = sorted({k for row in rows for k in row})
        with open(csv_path, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=keys)
            writer.writeheader()
            writer.writerows(rows)


def compare(rows: list[dict], baseline_path, threshold: float = 0.25) -> list[str]:
    """Functions whose ratio fell by more than ``threshold`` (a fraction) against the
    ratios saved by ``export(json_path=...)``; printed, and returned for an exit code."""
    import json

    with open(baseline_path) as fh:
        base = json.load(fh)["ratios"]
    now = ratios(rows)
    worse = [name for name, ratio in now.items()
             if name in base and ratio < base[name] * (1.0 - threshold)]
    for name in worse:
        print(f"REGRESSION {name}: ratio {now[name]:.2f} vs baseline {base[name]:.2f} "
              f"(threshold {threshold:.0%})")
    missing = sorted(set(base) - set(now))
    if missing:
        print(f"not measured this time: {', '.join(missing)}")
    print(f"compared {len(set(now) & set(base))} functions with {baseline_path}: "
          f"{len(worse)} regression(s)")
    return worse


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


def shared_pairs(data_dir=None, signal_seed: int = 3) -> dict[str, pd.DataFrame] | None:
    """The Freqtrade 5m candle files (``*-5m.feather``) of ``data_dir`` (default:
    ``$FTACCEL_DATA_DIR``) with seeded random entry/exit signals (3% / 2% of candles),
    prices on a 1e-8 grid; None when no directory or no files are found."""
    import os
    from pathlib import Path

    data_dir = data_dir or os.environ.get("FTACCEL_DATA_DIR")
    if not data_dir:
        return None
    files = sorted(Path(data_dir).glob("*-5m.feather"))
    if not files:
        return None
    rng = np.random.default_rng(signal_seed)
    data = {}
    for path in files:
        df = pd.read_feather(path)
        for c in ("open", "high", "low", "close"):
            df[c] = df[c].round(8)
        df["enter_long"] = (rng.random(len(df)) < 0.03).astype(int)
        df["exit_long"] = (rng.random(len(df)) < 0.02).astype(int)
        base, quote = path.stem.rsplit("-", 1)[0].split("_", 1)
        data[f"{base}/{quote}"] = df
    return data


def sweep_params(count: int, seed: int = 9) -> list[dict]:
    """``count`` seeded parameter sets from hyperopt-like roi / stoploss / trailing spaces."""
    rng = np.random.default_rng(seed)
    params = []
    for _ in range(count):
        t1, t2 = sorted(rng.integers(5, 240, 2).tolist())
        roi = {"0": float(rng.uniform(0.01, 0.1)), str(t1): float(rng.uniform(0.005, 0.03)),
               str(t1 + t2): 0.0}
        p = {"minimal_roi": roi, "stoploss": float(-rng.uniform(0.02, 0.35))}
        if rng.random() < 0.5:
            offset = float(rng.uniform(0.01, 0.05))
            p.update(trailing_stop=True,
                     trailing_stop_positive=float(rng.uniform(0.002, offset)),
                     trailing_stop_positive_offset=offset,
                     trailing_only_offset_is_reached=bool(rng.random() < 0.5))
        params.append(p)
    return params


def bench_sweep(count: int = 200, threads=None, repeat: int = 3, data_dir=None) -> dict:
    """Batch throughput of :func:`ftaccel.backtest.sweep` in parameter sets per second on
    each thread count (default 1, 2 and the CPU count), over the shared pairs
    (``data_dir`` / ``$FTACCEL_DATA_DIR``; generated pairs when absent), and the time of
    one ``backtest()`` call with its trades frame for comparison."""
    import os

    from . import backtest

    if threads is None:  # 1, 2 and every CPU
        threads = sorted({1, 2, os.cpu_count() or 1})
    data = shared_pairs(data_dir)
    if data is None:
        data, config = signal_backtest_case(11 * 6_000, pairs=11)
        source = "generated"
    else:
        from ._freqtrade_ref import make_markets
        config = {"timeframe": "5m", "stake_amount": 0.05, "dry_run_wallet": 1.0,
                  "max_open_trades": 3, "fee": 0.001, "markets": make_markets(list(data))}
        source = "shared"
    config = {k: v for k, v in config.items() if k not in backtest.SWEEP_KEYS}
    params = sweep_params(count)
    candles_total = sum(len(df) for df in data.values())
    print(f"sweep: {count} parameter sets over {len(data)} {source} pairs "
          f"({candles_total:,} pair-candles), best of {repeat}")
    result = {"sets": count, "pairs": len(data), "pair_candles": candles_total}
    best = dict.fromkeys(threads, float("inf"))
    cpu = dict.fromkeys(threads, 0.0)

    def timed():
        backtest.sweep(data, config, params[:2], threads=1)  # warm up
        for _ in range(repeat):  # interleaved, best of repeat
            for n in threads:
                t0, c0 = time.perf_counter(), time.process_time()
                backtest.sweep(data, config, params, threads=n)
                wall = time.perf_counter() - t0
                if wall < best[n]:
                    best[n], cpu[n] = wall, time.process_time() - c0

    _with_backend("compiled", "backtest", timed)
    base = None
    for n in threads:
        t = best[n]
        rate = count / t
        base = base or rate
        result[f"threads_{n}_sets_per_s"] = rate
        result[f"threads_{n}_cpu_per_wall"] = cpu[n] / t
        print(f"  {n} thread{'s' if n > 1 else ' '}: {t:7.3f}s  {rate:8.1f} sets/s  "
              f"scaling {rate / base:4.2f}x  (process CPU time / wall time {cpu[n] / t:4.2f}"
              ": cores actually obtained)")
    sub = params[: max(1, min(count, 20))]
    t_bt = _with_backend("compiled", "backtest", lambda: _best(
        lambda: [backtest.backtest(data, {**config, **p}) for p in sub], 1)) / len(sub)
    result["backtest_call_s"] = t_bt
    print(f"  one backtest() call with its trades frame: {t_bt * 1e3:.2f}ms "
          f"({1 / t_bt:.1f}/s)")
    return result
