"""Freqtrade's ``Backtesting.backtest`` answered by :func:`ftaccel.backtest.backtest`.

:func:`dispatch` replaces ``Backtesting.backtest`` while the ``backtesting`` module is
installed (see :mod:`ftaccel.freqtrade`). A run goes to the compiled backtest only when the
strategy and the config use nothing but what that backtest models exactly:

* spot trading, or futures at leverage 1 with isolated margin on Binance (the funding
  rates, mark candles and leverage tiers Freqtrade loaded are handed over), no
  ``timeframe_detail``, no position stacking, protections disabled, no
  dynamic pairlist, no FreqAI, ``dry_run_wallet`` a number;
* a strategy that overrides no callback of ``IStrategy`` beyond the ``populate_*``
  methods, ``informative_pairs``, ``bot_start`` and ``version`` (found by looking up where
  each method is defined, not by a list of callbacks), with ``use_custom_stoploss``,
  ``use_custom_roi`` and ``position_adjustment_enable`` off;
* tick-size precision (the exchange's, or the one Freqtrade derives from the candles,
  constant over the backtest), and market maximum limits that no stake reaches;
* start and end dates that are the analysed data's own.

Everything else runs on Freqtrade's own loop, as does a run that ftaccel's backtest
refuses with a ``ValueError``; one log line per strategy and decision says which and why.

The returned dict is the one Freqtrade's loop returns: the trades frame with
Freqtrade's columns and dtypes (``orders`` included), ``locks``, ``rejected_signals``,
the (zero) order timeout/cancel counters, ``final_balance`` and the ``wallet_summary``
that the backtesting report reads (the per-candle wallet captures, same rows in the
same order). The wallet and ``LocalTrade``'s running profit end as Freqtrade leaves them.
"""

from __future__ import annotations

import logging
import math
from decimal import Decimal, localcontext

import numpy as np

log = logging.getLogger("ftaccel")

# IStrategy methods a strategy may override and still run on the compiled backtest: they
# run before the loop (indicators, signals, informative pairs) or never in a backtest.
SAFE_OVERRIDES = frozenset({
    "populate_indicators", "populate_entry_trend", "populate_exit_trend",
    "populate_buy_trend", "populate_sell_trend", "populate_any_indicators",
    "informative_pairs", "bot_start", "version", "plot_annotations",
    "feature_engineering_expand_all", "feature_engineering_expand_basic",
    "feature_engineering_standard", "set_freqai_targets",
})

_logged: set = set()
_counts = {"ftaccel": 0, "freqtrade": 0}


def counts() -> dict:
    """How many ``Backtesting.backtest`` calls ran on ftaccel / on Freqtrade's loop."""
    return dict(_counts)


def _say(strategy_name: str, msg: str) -> None:
    key = (strategy_name, msg)
    if key not in _logged:  # hyperopt calls backtest once per epoch: one line per decision
        _logged.add(key)
        log.info("ftaccel: backtesting %s: %s", strategy_name, msg)


def overridden_callbacks(strategy) -> list[str]:
    """Public ``IStrategy`` methods the strategy's class defines itself (besides the safe
    ones), found through the class's MRO."""
    from freqtrade.strategy import IStrategy

    base = set(IStrategy.__mro__)
    out = []
    for name in dir(IStrategy):
        if name.startswith("_") or name in SAFE_OVERRIDES:
            continue
        if not callable(getattr(IStrategy, name, None)):
            continue
        for klass in type(strategy).__mro__:
            if name in vars(klass):
                if klass not in base:
                    out.append(name)
                break
    return out


def ineligible(bt) -> str | None:
    """Why Freqtrade's loop must run this backtest (None: ftaccel's models it exactly)."""
    from freqtrade.enums import MarginMode, TradingMode

    cfg, strat = bt.config, bt.strategy
    over = overridden_callbacks(strat)
    if over:
        return f"strategy overrides {', '.join(over)}"
    if bt.trading_mode == TradingMode.FUTURES:
        margin = getattr(bt.margin_mode, "value", bt.margin_mode)
        if margin != MarginMode.ISOLATED.value:
            return f"margin_mode {margin!r} (futures are dispatched with isolated margin only)"
        name = str(getattr(bt.exchange, "id", "") or bt._exchange_name).lower()
        if name != "binance":
            return (f"futures on exchange {name!r} (liquidation is modelled with Binance's "
                    "formula only)")
    elif bt.trading_mode != TradingMode.SPOT:
        mode = getattr(bt.trading_mode, "value", bt.trading_mode)
        return f"trading_mode {mode!r} (only spot and futures are dispatched)"
    if bt.timeframe_detail:
        return "timeframe_detail is set"
    if bt._position_stacking:
        return "position_stacking is on"
    if bt.enable_protections:
        return "protections are enabled"
    if bt.dynamic_pairlist:
        return "enable_dynamic_pairlist is on"
    if (cfg.get("freqai") or {}).get("enabled"):
        return "FreqAI is enabled"
    for attr in ("use_custom_stoploss", "use_custom_roi", "position_adjustment_enable"):
        if getattr(strat, attr, False):
            return f"strategy sets {attr}"
    wallet = cfg.get("dry_run_wallet", 1000)
    if isinstance(wallet, bool) or not isinstance(wallet, (int, float)):
        return "dry_run_wallet is not a single number"
    if cfg.get("available_capital") is not None:
        return "available_capital is set"
    return None


class Refused(ValueError):
    """A run ftaccel's backtest does not model (found while preparing it)."""


def _tick_sizes(bt, pair, start_date, end_date):
    """(price tick, amount step) the loop would use for ``pair``; Refused if not a constant
    tick size over the backtest."""
    from ccxt import TICK_SIZE

    if bt.precision_mode != TICK_SIZE:
        raise Refused("exchange amount precision is not a tick size")
    amount = bt.exchange.get_precision_amount(pair)
    series = bt.price_pair_prec.get(pair)
    values = set()
    if series is not None and len(series):
        first = start_date + bt.timeframe_td
        values.add(float(series.asof(first)))
        idx = series.index
        values.update(float(v) for v in series[(idx > first) & (idx <= end_date)])
    nan = {v for v in values if math.isnan(v)}
    values -= nan
    if len(values) > 1:
        raise Refused(f"{pair}: the price precision derived from the candles changes "
                      "within the backtest")
    if values and not nan:
        return values.pop(), amount
    if bt.precision_mode_price != TICK_SIZE:
        raise Refused("exchange price precision is not a tick size")
    price = bt.exchange.get_precision_price(pair)
    if values and values.pop() != price:
        raise Refused(f"{pair}: the price precision changes within the backtest")
    return price, amount


def _markets(bt, pairs, start_date, end_date):
    out = {}
    for pair in pairs:
        market = bt.exchange.markets.get(pair)
        if market is None:
            raise Refused(f"{pair}: no market")
        price, amount = _tick_sizes(bt, pair, start_date, end_date)
        if bt.exchange.get_contract_size(pair) not in (None, 1, 1.0):
            raise Refused(f"{pair}: contract size {bt.exchange.get_contract_size(pair)} "
                          "(only 1 is modelled)")
        limits = market.get("limits") or {}
        out[pair] = {
            "precision": {"price": price, "amount": amount},
            # maximum limits are checked against the stakes after the run
            "limits": {k: {"min": (limits.get(k) or {}).get("min"), "max": None}
                       for k in ("cost", "amount")},
        }
    return out


def _settings(bt, markets):
    s, cfg = bt.strategy, bt.config
    max_open = s.max_open_trades
    return {
        "timeframe": bt.timeframe, "stoploss": s.stoploss, "minimal_roi": s.minimal_roi,
        "fee": bt.fee, "stake_amount": cfg["stake_amount"],
        "dry_run_wallet": cfg.get("dry_run_wallet", 1000),
        "tradable_balance_ratio": cfg.get("tradable_balance_ratio", 0.99),
        "max_open_trades": -1 if max_open == float("inf") else max_open,
        "use_exit_signal": bool(s.use_exit_signal), "exit_profit_only": bool(s.exit_profit_only),
        "exit_profit_offset": s.exit_profit_offset,
        "ignore_roi_if_entry_signal": bool(s.ignore_roi_if_entry_signal),
        "trailing_stop": bool(s.trailing_stop),
        "trailing_stop_positive": s.trailing_stop_positive,
        "trailing_stop_positive_offset": s.trailing_stop_positive_offset or 0.0,
        "trailing_only_offset_is_reached": bool(s.trailing_only_offset_is_reached),
        "amend_last_stake_amount": bool(cfg.get("amend_last_stake_amount", False)),
        "last_stake_amount_min_ratio": cfg.get("last_stake_amount_min_ratio", 0.5),
        "amount_reserve_percent": cfg.get("amount_reserve_percent", 0.05),
        "markets": markets,
    }


def _futures_settings(bt, pairs):
    """Futures entries of the settings: the funding and mark rows Backtesting loaded and
    combined (``futures_data``: date, open_fund, open_mark), Freqtrade's parsed leverage
    tiers of the exchange and the liquidation buffer."""
    rates, marks, tiers = {}, {}, {}
    for pair in pairs:
        combined = bt.futures_data.get(pair)
        if combined is None:
            raise Refused(f"{pair}: no funding/mark data loaded")
        rates[pair] = combined[["date", "open_fund"]].rename(
            columns={"open_fund": "funding_rate"})
        marks[pair] = combined[["date", "open_mark"]].rename(columns={"open_mark": "open"})
        pair_tiers = bt.exchange._leverage_tiers.get(pair)
        if not pair_tiers:
            raise Refused(f"{pair}: no leverage tiers")
        tiers[pair] = pair_tiers
    return {
        "trading_mode": "futures", "margin_mode": "isolated",
        "can_short": bool(bt._can_short), "exchange": {"name": "binance"},
        # already combined: the rows are joined on the exact date, fallback rate applied
        "funding_rates": rates, "mark_prices": marks,
        "funding_fee_timeframe": bt.exchange.get_option("funding_fee_timeframe"),
        "leverage_tiers": tiers,
        "liquidation_buffer": bt.config.get("liquidation_buffer", 0.05),
    }


def _ft_stake(open_rate: float, amount: float) -> float:
    """``LocalTrade.stake_amount`` after the entry fill: Freqtrade multiplies the decimal
    forms exactly and converts once."""
    with localcontext() as ctx:
        ctx.prec = 80
        return float(Decimal(repr(open_rate)) * Decimal(repr(amount)))


def _ft_open_value(open_rate: float, amount: float, fee: float, short: bool = False) -> float:
    """``LocalTrade.open_trade_value`` (long: plus the fee, short: minus it; exact
    decimals, one rounding)."""
    with localcontext() as ctx:
        ctx.prec = 80
        value = Decimal(repr(open_rate)) * Decimal(repr(amount))
        fees = value * Decimal(repr(fee))
        return float(value - fees if short else value + fees)


def _records(trades, fee):
    """Freqtrade's minified trade JSON, one dict per trade, ``orders`` included."""
    recs = trades.to_dict("records")
    for r in recs:
        amount = r["amount"]
        short = bool(r["is_short"])
        side_in, side_out = ("sell", "buy") if short else ("buy", "sell")
        # the closed trade's ratio as Freqtrade's recalc_trade_from_orders derives it
        r["profit_ratio"] = r["profit_abs"] / _ft_open_value(r["open_rate"], amount, fee, short)
        r["orders"] = [
            {"amount": amount, "safe_price": r["open_rate"], "ft_order_side": side_in,
             "order_filled_timestamp": r["open_timestamp"], "ft_is_entry": True,
             "ft_order_tag": r["enter_tag"], "cost": amount * r["open_rate"] * (1 + fee)},
            {"amount": amount, "safe_price": r["close_rate"], "ft_order_side": side_out,
             "order_filled_timestamp": r["close_timestamp"], "ft_is_entry": False,
             "ft_order_tag": r["exit_reason"], "cost": amount * r["close_rate"] * (1 + fee)},
        ]
    return recs


def _results_frame(recs):
    import pandas as pd
    from freqtrade.data.btanalysis import BT_DATA_COLUMNS

    df = pd.DataFrame.from_records(recs, columns=BT_DATA_COLUMNS)
    if len(df) > 0:  # as freqtrade.data.btanalysis.trade_list_to_dataframe
        df["close_date"] = pd.to_datetime(df["close_timestamp"], unit="ms", utc=True)
        df["open_date"] = pd.to_datetime(df["open_timestamp"], unit="ms", utc=True)
        df["close_rate"] = df["close_rate"].astype("float64")
    return df


class _Replay:
    """The per-candle bookkeeping of Freqtrade's loop, replayed from the finished trades:
    the rejected entry signals, the wallet captures and the running closed profit."""

    def __init__(self, pairs, rows, trades, start_min, end_min, tf_min):
        self.pairs, self.rows = pairs, rows
        self.start_min, self.end_min, self.tf = start_min, end_min, tf_min
        pair_ix = {p: i for i, p in enumerate(pairs)}
        self.n = n = len(trades)
        self.pair = [pair_ix[p] for p in trades["pair"]]
        self.open = (trades["open_timestamp"].to_numpy(np.int64) // 60_000).tolist()
        close = (trades["close_timestamp"].to_numpy(np.int64) // 60_000).tolist()
        forced = (trades["exit_reason"] == "force_exit").to_numpy()
        # trades left open are closed after the loop: open at every candle start after entry
        self.close = [None if forced[k] else close[k] for k in range(n)]
        self.amount = trades["amount"].astype(float).tolist()
        rates = trades["open_rate"].astype(float).tolist()
        self.stake = [_ft_stake(r, a) for r, a in zip(rates, self.amount)]
        self.profit = trades["profit_abs"].astype(float).tolist()

    def run(self, capture: bool, max_open: float, start_cap: float, stake_cur: str,
            futures: bool = False):
        """(rejected entry signals, wallet captures as four column lists, final
        ``LocalTrade.bt_total_profit``)."""
        n, tf, end = self.n, self.tf, self.end_min
        opens: dict = {}
        closes: dict = {}
        # entries on one candle happen in pair order (only pairs without a trade enter)
        for k in sorted(range(n), key=lambda k: (self.open[k], self.pair[k])):
            opens.setdefault(self.open[k], []).append(k)
        for k in range(n):  # the results are in closing order
            if self.close[k] is not None:
                closes.setdefault(self.close[k], []).append(k)
        ptr = [0] * len(self.pairs)
        open_list: list[int] = []  # LocalTrade.bt_trades_open: opening order
        open_by_pair: dict = {}
        closed = 0  # LocalTrade.bt_total_profit, summed in closing order
        rejected = 0
        cols = ([], [], [], [])
        bases = [p.split("/")[0] for p in self.pairs]
        t = self.start_min + tf
        while t <= end:
            if capture:
                tot_in = 0
                for k in open_list:
                    tot_in += self.stake[k]
                # Wallets: free = start + closed profit - stakes in trades; used = 0 in spot
                # (orders fill at once), the stakes in trades (collateral) in futures
                total = start_cap + closed - tot_in + (tot_in if futures else 0.0)
                if total:
                    for c, v in zip(cols, (t, stake_cur, 1, total)):
                        c.append(v)
            order = list(dict.fromkeys([self.pair[k] for k in open_list]
                                       + list(range(len(self.pairs)))))
            closing, opening = closes.get(t, ()), opens.get(t, ())
            # open trades while the pairs are processed in order (pairs with a trade
            # first): a pair's trade closes after its entry check. A futures pair whose
            # trade closes with an entry signal the other way tries that entry next, but
            # always finds a slot (its own trade's), so it is never rejected
            count = len(open_list)
            for pi in order:
                times, open_px, sig = self.rows[pi]
                i = ptr[pi]
                while i < len(times) and times[i] < t:
                    i += 1
                if i >= len(times) or times[i] != t:
                    ptr[pi] = i
                    continue
                ptr[pi] = i + 1
                held = open_by_pair.get(pi)
                if capture and held is not None and not futures:  # no base wallet in futures
                    for c, v in zip(cols, (t, bases[pi], float(open_px[i]),
                                           self.amount[held])):
                        c.append(v)
                entered = [k for k in opening if self.pair[k] == pi]
                if held is not None and self.close[held] == t:
                    count -= 1
                elif held is None and sig[i] and t != end and max_open > 0 \
                        and not entered and count >= max_open:
                    rejected += 1
                for k in entered:
                    if self.close[k] != t:
                        count += 1
            for k in closing:
                closed += self.profit[k]
                if k in open_by_pair.values():
                    open_list.remove(k)
                    del open_by_pair[self.pair[k]]
            for k in opening:
                if self.close[k] != t:
                    open_list.append(k)
                    open_by_pair[self.pair[k]] = k
            t += tf
        for k in range(n):
            if self.close[k] is None:
                closed += self.profit[k]
        return rejected, cols, closed


def _entry_signals(df, can_short=False):
    """Freqtrade's ``check_for_trade_entry`` on each row, before the shift: 1 long, 2 short,
    0 none."""
    def col(name):
        if name not in df.columns:
            return np.zeros(len(df), dtype=bool)
        return np.nan_to_num(np.asarray(df[name].to_numpy(), dtype=np.float64)) == 1
    long_, short = col("enter_long"), col("enter_short") & can_short
    out = np.where(long_ & ~col("exit_long") & ~short, 1, 0)
    if can_short:
        out[short & ~(col("exit_short") & can_short) & ~long_] = 2
    return out.astype(np.int8)


def run(bt, processed: dict, start_date, end_date) -> dict:
    """``Backtesting.backtest`` on ftaccel's compiled backtest (raises :class:`Refused` or
    the ValueError of :func:`ftaccel.backtest.backtest` before touching ``processed``)."""
    import pandas as pd
    from freqtrade.data.converter import trim_dataframe
    from freqtrade.enums import TradingMode
    from freqtrade.optimize.optimize_reports import convert_bt_wallet_collection
    from freqtrade.persistence import LocalTrade, PairLocks

    from . import backtest as fb

    strat = bt.strategy
    bt.reset_backtest(bt.enable_protections)
    bt.wallets.update()
    analysed, trimmed = {}, {}
    for pair, frame in processed.items():
        # on a copy: a refused run leaves ``processed`` as Freqtrade's loop expects it
        df = strat.ft_advise_signals(frame.copy(), {"pair": pair})
        bt.dataprovider._set_cached_df(pair, bt.timeframe, df, bt.config["candle_type_def"])
        analysed[pair] = df
        trimmed[pair] = trim_dataframe(df, bt.timerange, startup_candles=bt.required_startup)
    frames = {p: df for p, df in trimmed.items() if len(df)}
    if not frames:
        raise Refused("no candles left after the startup period")
    first = min(df["date"].iloc[0] for df in frames.values())
    last = max(df["date"].iloc[-1] for df in frames.values())
    if first != start_date or last != end_date:
        raise Refused(f"start/end {start_date}..{end_date} are not the analysed data's "
                      f"{first}..{last}")
    markets = _markets(bt, list(frames), start_date, end_date)
    settings = _settings(bt, markets)
    futures = bt.trading_mode == TradingMode.FUTURES
    if futures:
        settings.update(_futures_settings(bt, list(frames)))
    trades = fb.backtest(frames, settings)
    for pair, rate, stake in zip(trades["pair"], trades["open_rate"], trades["stake_amount"]):
        cap = bt.exchange.get_max_pair_stake_amount(pair, float(rate))
        if stake >= cap:
            raise Refused(f"{pair}: a stake reaches the market's maximum limit")

    # the run is accepted: leave ``processed`` as Freqtrade's loop does
    for pair, df in trimmed.items():
        processed[pair] = df
    tf_min = bt.timeframe_min
    pairs = list(trimmed)
    rows = []
    for pair in pairs:
        df = trimmed[pair]
        if len(df) < 2:
            rows.append(((), (), ()))
            continue
        minutes = (df["date"].array.as_unit("s").asi8 // 60)[1:]
        rows.append((minutes.tolist(), df["open"].to_numpy(np.float64)[1:],
                     _entry_signals(df, bool(bt._can_short))[:-1].tolist()))
    start_min = int(start_date.timestamp()) // 60
    end_min = int(end_date.timestamp()) // 60
    capture = bool(bt._is_backtest_runmode)
    stake_cur = strat.config["stake_currency"]
    max_open = strat.max_open_trades
    replay = _Replay(pairs, rows, trades, start_min, end_min, tf_min)
    rejected, cols, total_profit = replay.run(
        capture, -1 if max_open == float("inf") else max_open,
        bt.wallets._start_cap.get(stake_cur, 0), stake_cur, futures)
    LocalTrade.bt_total_profit = total_profit
    bt.rejected_trades = rejected
    bt.wallets.update()
    if cols[0]:
        dates = pd.to_datetime(np.asarray(cols[0], dtype=np.int64) * 60, unit="s", utc=True)
        wallet = pd.DataFrame({"date": dates.tz_convert(start_date.tzinfo).as_unit("us"),
                               "currency": cols[1], "rate": cols[2], "balance": cols[3]})
    else:
        wallet = convert_bt_wallet_collection([])
    results = _results_frame(_records(trades, bt.fee))
    return {
        "results": results,
        "config": strat.config,
        "locks": PairLocks.get_all_locks(),
        "rejected_signals": bt.rejected_trades,
        "timedout_entry_orders": bt.timedout_entry_orders,
        "timedout_exit_orders": bt.timedout_exit_orders,
        "canceled_trade_entries": bt.canceled_trade_entries,
        "canceled_entry_orders": bt.canceled_entry_orders,
        "replaced_entry_orders": bt.replaced_entry_orders,
        "final_balance": bt.wallets.get_total(stake_cur),
        "wallet_summary": wallet,
    }


def dispatch(original, settings):
    """``Backtesting.backtest`` that runs eligible backtests on ftaccel, the others on
    ``original`` (Freqtrade's loop)."""
    import functools

    @functools.wraps(original)
    def backtest(self, processed, start_date, end_date):
        name = self.strategy.get_strategy_name()
        why = ineligible(self)
        if why is None:
            try:
                out = run(self, processed, start_date, end_date)
            except ValueError as exc:  # Refused, or ftaccel.backtest's own refusal
                why = f"not modelled by ftaccel ({exc})"
            except Exception as exc:
                if not settings.fallback_on_numba_error:
                    raise
                why = f"ftaccel failed ({type(exc).__name__}: {exc})"
                log.warning("ftaccel: backtesting %s: %s; Freqtrade's loop runs", name, why)
            else:
                _counts["ftaccel"] += 1
                _say(name, "runs on ftaccel's compiled backtest")
                return out
        _counts["freqtrade"] += 1
        _say(name, f"runs on Freqtrade's loop: {why}")
        return original(self, processed, start_date, end_date)

    backtest.__ftaccel__ = True
    return backtest
