"""Offline Freqtrade backtesting in process: real candles in a temporary datadir, a tiny
strategy, and an exchange whose markets are given (no network)."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

STRATEGY = '''
import talib.abstract as ta
from freqtrade.strategy import IntParameter, IStrategy


class FtaccelProof(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.04, "60": 0.02, "180": 0.0}
    stoploss = -0.05
    startup_candle_count = 50
    buy_rsi = IntParameter(25, 45, default=40, space="buy")
    sell_rsi = IntParameter(60, 80, default=70, space="sell")

    @property
    def protections(self):
        return [{"method": "MaxDrawdown", "lookback_period_candles": 48, "trade_limit": 3,
                 "stop_duration_candles": 12, "max_allowed_drawdown": 0.01}]

    def populate_indicators(self, dataframe, metadata):
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["ema_fast"] = ta.EMA(dataframe, timeperiod=12)
        dataframe["ema_slow"] = ta.EMA(dataframe, timeperiod=48)
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        entry = (dataframe["rsi"] < self.buy_rsi.value) & (
            dataframe["ema_fast"] > dataframe["ema_slow"])
        dataframe.loc[entry, "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["rsi"] > self.sell_rsi.value, "exit_long"] = 1
        return dataframe
'''

PAIRS = ["ETH/BTC", "LTC/BTC", "XLM/BTC", "ADA/BTC"]
# linear perpetuals with Binance's (bundled) leverage tiers; candles: those of PAIRS
FUTURES_PAIRS = ["ETH/USDT:USDT", "LTC/USDT:USDT", "XLM/USDT:USDT", "ADA/USDT:USDT"]



def market(pair):
    base, quote = pair.split(":")[0].split("/")
    if ":" in pair:  # linear perpetual swap, contract size 1
        kind = {"spot": False, "type": "swap", "swap": True, "contract": True, "linear": True,
                "inverse": False, "contractSize": 1.0, "settle": quote, "settleId": quote}
    else:
        kind = {"spot": True, "type": "spot", "contract": False, "linear": None,
                "inverse": None}
    return {"id": base + quote, "symbol": pair, "base": base, "quote": quote, "active": True,
            **kind,
            "precision": {"amount": 0.001, "price": 1e-6},
            "limits": {"amount": {"min": 0.001, "max": None}, "cost": {"min": 0.0001, "max": None},
                       "price": {"min": None, "max": None}, "leverage": {"min": None, "max": None}},
            "info": {}}



def setup(tmp: Path, candles: dict, strategy_header: str = "", strategy_body: str = "",
          config: dict | None = None, decimals: int | None = None,
          futures: dict | None = None) -> Path:
    """Datadir, strategy and config.json under ``tmp``; ``candles``: the real_candles fixture;
    ``strategy_header``: lines put at the top of the strategy file; ``strategy_body``: lines
    appended to the strategy class (indented by 4); ``config``: entries over the default
    config; ``decimals``: round the candle prices to that many decimals (the price grid).
    ``futures``: ``{pair of FUTURES_PAIRS: (funding-rate frame, mark frame)}`` (1h candles,
    Freqtrade's columns): a futures (isolated) config on :data:`FUTURES_PAIRS`, stake in
    USDT, with the candles of :data:`PAIRS` as futures candles."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    for i, pair in enumerate(PAIRS):
        stem = pair.replace("/", "_") + "-5m"
        frame = candles[stem]
        if decimals is not None:
            frame = frame.round({c: decimals for c in ("open", "high", "low", "close")})
        if futures is None:
            frame.to_feather(data / f"{stem}.feather")
            continue
        (data / "futures").mkdir(exist_ok=True)
        name = FUTURES_PAIRS[i].replace("/", "_").replace(":", "_")
        frame.to_feather(data / "futures" / f"{name}-5m-futures.feather")
        rates, marks = futures[FUTURES_PAIRS[i]]
        rates.to_feather(data / "futures" / f"{name}-1h-funding_rate.feather")
        marks.to_feather(data / "futures" / f"{name}-1h-mark.feather")
    strat = tmp / "strategies"
    strat.mkdir(exist_ok=True)
    (strat / "ftaccel_proof.py").write_text(strategy_header + STRATEGY + strategy_body)
    conf = {"stake_currency": "BTC", "stake_amount": 0.05, "dry_run_wallet": 1, "dry_run": True,
            "max_open_trades": 3, "timeframe": "5m", "fee": 0.001,
            "exchange": {"name": "binance", "pair_whitelist": PAIRS},
            "entry_pricing": {"price_side": "same"}, "exit_pricing": {"price_side": "same"},
            "pairlists": [{"method": "StaticPairList"}], "dataformat_ohlcv": "feather",
            "user_data_dir": str(tmp), "datadir": str(data), "strategy_path": str(strat),
            "export": "none", "enable_protections": True}
    if futures is not None:
        conf.update({"trading_mode": "futures", "margin_mode": "isolated",
                     "stake_currency": "USDT",
                     "exchange": {"name": "binance", "pair_whitelist": FUTURES_PAIRS}})
    conf.update(config or {})
    (tmp / "config.json").write_text(json.dumps(conf))
    return tmp / "config.json"



@contextmanager
def offline_exchange():
    """Freqtrade's Exchange with the markets of :data:`PAIRS` and no network access."""
    from freqtrade.exchange import Exchange

    def reload_markets(self, force=False, *, load_leverage_tiers=True):
        # held by the exchange object itself, so hyperopt worker processes (which get it
        # pickled, without this patch) have the markets too
        self._markets = {p: market(p) for p in PAIRS + FUTURES_PAIRS}

    with mock.patch.object(Exchange, "reload_markets", reload_markets), \
            mock.patch.object(Exchange, "validate_config"):
        yield


def run_backtest(tmp: Path):
    """Freqtrade's backtesting of the config under ``tmp``: (results, seconds of start())."""
    from freqtrade.commands.optimize_commands import setup_optimize_configuration
    from freqtrade.enums import RunMode
    from freqtrade.optimize.backtesting import Backtesting
    args = {"config": [str(tmp / "config.json")], "strategy": "FtaccelProof", "export": "none",
            "datadir": str(tmp / "data"), "user_data_dir": str(tmp)}
    config = setup_optimize_configuration(args, RunMode.BACKTEST)
    with offline_exchange():
        bt = Backtesting(config)
        t0 = time.perf_counter()
        bt.start()
        dt = time.perf_counter() - t0
    return bt.results, dt


def differences(a, b, path="") -> list[tuple]:
    """(path, a, b) of every leaf where two nested results differ (NaN equals NaN)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b), key=str)
                for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b))
                for d in differences(x, y, f"{path}[{i}]")]
    try:
        same = bool(a == b) or (a != a and b != b)
    except (TypeError, ValueError):  # frames, arrays
        same = repr(a) == repr(b)
    return [] if same else [(path, a, b)]


def run_hyperopt(tmp: Path, epochs: int, loss: str, seed: int = 42, jobs: int = 1) -> list[dict]:
    """Freqtrade's hyperopt (``jobs`` worker processes, one by default: in process; fixed
    seed) of the config under ``tmp``: the saved epochs (``loss``, ``params_dict``,
    ``results_metrics``, ...), in order."""
    from freqtrade.commands.optimize_commands import setup_optimize_configuration
    from freqtrade.enums import RunMode
    from freqtrade.optimize.hyperopt import Hyperopt

    args = {"config": [str(tmp / "config.json")], "strategy": "FtaccelProof",
            "datadir": str(tmp / "data"), "user_data_dir": str(tmp), "epochs": epochs,
            "spaces": ["buy", "sell"], "hyperopt_loss": loss, "hyperopt_random_state": seed,
            "hyperopt_jobs": jobs, "hyperopt_min_trades": 1, "print_all": False}
    config = setup_optimize_configuration(args, RunMode.HYPEROPT)
    with offline_exchange():
        hyperopt = Hyperopt(config)
        hyperopt.start()
    with hyperopt.results_file.open() as fh:
        return [json.loads(line) for line in fh]
