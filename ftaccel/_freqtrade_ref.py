"""Freqtrade's own ``Backtesting``, run offline on analysed frames: the reference that
the tests and ``ftaccel bench`` compare :func:`ftaccel.backtest.backtest` with.

The strategy is a tiny ``IStrategy`` whose ``populate_*`` copy precomputed signal columns;
the exchange gets a markets dict instead of a network call. Needs freqtrade installed.
"""

from __future__ import annotations

import copy
import textwrap
import time
from pathlib import Path

import pandas as pd

STRATEGY_SRC = textwrap.dedent('''
    from freqtrade.strategy import IStrategy

    class OracleStrategy(IStrategy):
        INTERFACE_VERSION = 3
        timeframe = "5m"
        minimal_roi = {"0": 10.0}
        stoploss = -0.99
        startup_candle_count = 0
        can_short = CAN_SHORT

        def populate_indicators(self, dataframe, metadata):
            return dataframe

        def populate_entry_trend(self, dataframe, metadata):
            sig = self.signals[metadata["pair"]]
            for col in ("enter_long", "enter_short", "enter_tag"):
                if col in sig.columns:
                    dataframe[col] = sig[col].to_numpy()
            return dataframe

        def populate_exit_trend(self, dataframe, metadata):
            sig = self.signals[metadata["pair"]]
            for col in ("exit_long", "exit_short", "exit_tag"):
                if col in sig.columns:
                    dataframe[col] = sig[col].to_numpy()
            return dataframe
''')


def make_markets(pairs, price_tick=1e-8, amount_step=1e-8, cost_min=None, amount_min=None):
    """ccxt-style markets (tick-size precision); ``BASE/QUOTE:SETTLE`` pairs are linear
    perpetual swaps with contract size 1."""
    markets = {}
    for pair in pairs:
        base, quote = pair.split(":")[0].split("/")
        swap = ":" in pair
        markets[pair] = {
            "id": pair.replace("/", "").replace(":", ""), "symbol": pair, "base": base,
            "quote": quote, "baseId": base, "quoteId": quote, "active": True, "spot": not swap,
            "type": "swap" if swap else "spot", "margin": False, "swap": swap,
            "future": False, "option": False, "contract": swap, "contractSize": 1.0 if swap
            else None, "linear": True if swap else None, "inverse": False if swap else None,
            "settle": quote if swap else None, "settleId": quote if swap else None,
            "taker": 0.001, "maker": 0.001,
            "precision": {"price": price_tick, "amount": amount_step},
            "limits": {"amount": {"min": amount_min, "max": None},
                       "price": {"min": None, "max": None},
                       "cost": {"min": cost_min, "max": None},
                       "leverage": {"min": None, "max": None}},
            "info": {},
        }
    return markets


def _write_futures_files(workdir: Path, funding: dict, marks: dict) -> None:
    """Funding-rate and mark candles as Freqtrade's data files (feather, 1h)."""
    folder = workdir / "futures"
    folder.mkdir(parents=True, exist_ok=True)
    for kind, frames, col in (("funding_rate", funding, "funding_rate"),
                              ("mark", marks, "open")):
        for pair, df in frames.items():
            src = df[col] if col in df.columns else df["open"]
            out = pd.DataFrame({"date": df["date"], "open": src.to_numpy(dtype=float)})
            for c in ("high", "low", "close"):
                out[c] = df[c].to_numpy(dtype=float) if c in df.columns else out["open"]
            out["volume"] = 0.0
            name = pair.replace("/", "_").replace(":", "_")
            out.reset_index(drop=True).to_feather(folder / f"{name}-1h-{kind}.feather")


def run_freqtrade(data: dict[str, pd.DataFrame], config: dict, markets: dict,
                  workdir: Path, timings: dict | None = None) -> pd.DataFrame:
    """Freqtrade's trades for analysed ``data`` ({pair: frame with signals}).

    ``config`` overrides a minimal spot config; ``workdir`` receives the strategy file.
    Futures: ``config["funding_rates"]`` / ``["mark_prices"]`` ({pair: DataFrame with
    ``date`` and ``funding_rate`` / ``open``}) are written as Freqtrade's 1h
    ``funding_rate`` / ``mark`` candle files and loaded by Backtesting's own loader, and
    ``config["leverage_tiers"]`` ({pair: [tier]}, Freqtrade's parsed form) replaces the
    exchange's maintenance tiers of those pairs. Price ticks come from the candles as in
    a CLI run (``Backtesting.load_bt_data``) unless ``config["tick_size_from_data"]`` is
    False (then the markets' ``precision.price`` applies).
    ``timings["loop_s"]`` / ``["loop_cpu_s"]``, when a dict is given, get the wall / CPU
    time of ``Backtesting.backtest`` alone (the signal loop, as hyperopt runs it).
    """
    from freqtrade.exchange import Exchange
    from freqtrade.optimize.backtesting import Backtesting

    strat_dir = workdir / "strategies"
    strat_dir.mkdir(parents=True, exist_ok=True)
    futures = config.get("trading_mode") == "futures"
    (strat_dir / "oracle_strategy.py").write_text(
        STRATEGY_SRC.replace("CAN_SHORT", str(bool(config.get("can_short", False)))))

    def fake_load_markets(self, reload=False):
        self._api_async.set_markets(list(copy.deepcopy(markets).values()))

    saved = Exchange._load_async_markets
    Exchange._load_async_markets = fake_load_markets

    pairs = list(data)
    cfg = {
        "runmode": "backtest", "dry_run": True,
        "stake_currency": pairs[0].split(":")[0].split("/")[1],
        "stake_amount": 0.05, "dry_run_wallet": 1.0, "max_open_trades": 3,
        "timeframe": "5m", "trading_mode": "spot", "margin_mode": "",
        "exchange": {"name": "binance", "key": "", "secret": "", "pair_whitelist": pairs,
                     "pair_blacklist": []},
        "pairlists": [{"method": "StaticPairList"}],
        "entry_pricing": {"price_side": "same", "use_order_book": False,
                          "order_book_top": 1, "price_last_balance": 0.0},
        "exit_pricing": {"price_side": "same", "use_order_book": False,
                         "order_book_top": 1},
        "strategy": "OracleStrategy", "strategy_path": str(strat_dir),
        "datadir": workdir, "user_data_dir": workdir, "export": "none",
        "dataformat_ohlcv": "feather", "candle_type_def": "spot",
        "tradable_balance_ratio": 0.99, "amend_last_stake_amount": False,
        "last_stake_amount_min_ratio": 0.5, "fee": 0.001, "cancel_open_orders_on_exit": False,
        "unfilledtimeout": {"entry": 10, "exit": 10}, "internals": {},
    }
    if futures:  # Binance futures only prices from the order book (unused in backtests)
        cfg["entry_pricing"]["use_order_book"] = cfg["exit_pricing"]["use_order_book"] = True
    config = dict(config)
    funding = config.pop("funding_rates", None)
    marks = config.pop("mark_prices", None)
    tiers = config.pop("leverage_tiers", None)
    ticks_from_data = config.pop("tick_size_from_data", True)
    cfg.update(copy.deepcopy(config))
    if cfg.get("fee") is None:  # fee from the markets, as without a configured fee
        cfg.pop("fee", None)
    try:
        bt = Backtesting(cfg)
        bt.strategylist[0].signals = data
        if futures:
            for pair, pair_tiers in (tiers or {}).items():
                bt.exchange._leverage_tiers[pair] = copy.deepcopy(pair_tiers)
            if funding is None and marks is None:
                # no funding-rate data: Freqtrade then charges no funding
                bt.funding_fee_timeframe_secs = 3600
                bt.futures_data = {p: pd.DataFrame(
                    {"date": pd.Series(dtype="datetime64[ns, UTC]"),
                     "open_fund": pd.Series(dtype=float),
                     "open_mark": pd.Series(dtype=float)}) for p in data}
            else:
                _write_futures_files(workdir, funding or {}, marks or {})
                bt._load_bt_data_detail()
        startup = int(cfg.get("startup_candle_count", 0))
        bt.strategylist[0].startup_candle_count = bt.required_startup = startup
        bt._set_strategy(bt.strategylist[0])
        if ticks_from_data:  # as Backtesting.load_bt_data: price ticks from the candles
            from freqtrade.data.btanalysis import get_tick_size_over_time
            bt.price_pair_prec = {
                p: get_tick_size_over_time(df[["date", "open", "high", "low", "close"]].copy())
                for p, df in data.items()}
        frames = {p: df[["date", "open", "high", "low", "close", "volume"]].copy()
                  for p, df in data.items()}
        from freqtrade.configuration import TimeRange
        from freqtrade.data.converter import trim_dataframes
        from freqtrade.data.history import get_timerange
        preprocessed = bt.strategy.advise_all_indicators(frames)
        tmp = trim_dataframes(preprocessed, bt.timerange or TimeRange(), bt.required_startup)
        start, end = get_timerange(tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        res = bt.backtest(processed=preprocessed, start_date=start, end_date=end)
        if timings is not None:
            timings["loop_s"] = time.perf_counter() - t0
            timings["loop_cpu_s"] = time.process_time() - c0
        return res["results"]
    finally:
        Exchange._load_async_markets = saved
        Backtesting.cleanup()
