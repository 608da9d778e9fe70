"""Signal backtests in compiled loops, reproducing Freqtrade's trades.

:func:`backtest` runs Freqtrade's backtest loop over precomputed signals of many pairs
(spot long, futures long/short at leverage 1) and returns Freqtrade's trades frame.
:func:`exit_scan` is the per-candle stoploss/ROI exit rule of one long spot trade at
leverage 1, without tick rounding.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from . import _backend
from ._inputs import as_float_array, as_float_param, as_int_array, as_int_param, same_length
from ._pandas import col as _col

EXIT_REASONS = {0: None, 1: "roi", 2: "stop_loss"}


def _roi_table(minimal_roi):
    if not isinstance(minimal_roi, dict):
        raise TypeError("minimal_roi must be a dict {minutes: ratio}")
    try:
        items = sorted((int(k), float(v)) for k, v in minimal_roi.items())
    except (TypeError, ValueError) as exc:
        raise ValueError("minimal_roi keys must be whole minutes and values numbers") from exc
    if any(k < 0 for k, _ in items):
        raise ValueError("minimal_roi keys must be >= 0 minutes")
    keys = np.array([k for k, _ in items], dtype=np.int64)
    values = np.array([v for _, v in items], dtype=np.float64)
    return keys, values


def exit_scan(open, high, low, minutes, entry: int, open_rate: float, *, stoploss: float,
              minimal_roi: dict, fee: float = 0.0, timeframe_minutes: int = 5):
    """Where and why a long trade entered at candle ``entry`` leaves, by Freqtrade's rules.

    :param open, high, low: candle prices (same length)
    :param minutes: candle open times in whole minutes (any origin), ascending
    :param entry: index of the entry candle (entries fill at its open)
    :param open_rate: entry price
    :param stoploss: Freqtrade's ``stoploss`` ratio (e.g. -0.10); stop = rate * (1 - |s|)
    :param minimal_roi: Freqtrade's ``minimal_roi`` {minutes since entry: ratio}
    :param fee: fee ratio charged on entry and on exit
    :param timeframe_minutes: candle length in minutes
    :return: ``(exit_index, exit_reason, close_rate)``; ``(-1, None, nan)`` if the trade
        is still open at the last candle. Reasons: ``"stop_loss"``, ``"roi"``.
    """
    arrays = {"open": as_float_array(open, "open"), "high": as_float_array(high, "high"),
              "low": as_float_array(low, "low")}
    mins = as_int_array(minutes, "minutes")
    n = same_length({**arrays, "minutes": mins})
    entry = as_int_param(entry, "entry", 0, max(n - 1, 0))
    if n == 0:
        raise ValueError("no candles: open/high/low/minutes are empty")
    open_rate = as_float_param(open_rate, "open_rate", 0.0)
    if open_rate <= 0:
        raise ValueError("open_rate must be > 0")
    stoploss = as_float_param(stoploss, "stoploss", -1.0, 0.0)
    fee = as_float_param(fee, "fee", 0.0, 0.5)
    tf = as_int_param(timeframe_minutes, "timeframe_minutes", 1, 10**7)
    keys, values = _roi_table(minimal_roi)
    idx, reason, rate = _backend.family("backtest").call(
        "exit_scan", arrays["open"], arrays["high"], arrays["low"], mins, entry, open_rate,
        fee, stoploss, keys, values, tf)
    return int(idx), EXIT_REASONS[int(reason)], float(rate)


# --- full backtest -----------------------------------------------------------------

REASON_NAMES = {1: "roi", 2: "stop_loss", 3: "trailing_stop_loss", 4: "exit_signal",
                5: "force_exit", 6: "liquidation"}
RESULT_COLUMNS = [
    "pair", "stake_amount", "max_stake_amount", "amount", "open_date", "close_date",
    "open_rate", "close_rate", "fee_open", "fee_close", "trade_duration", "profit_ratio",
    "profit_abs", "exit_reason", "initial_stop_loss_abs", "initial_stop_loss_ratio",
    "stop_loss_abs", "stop_loss_ratio", "min_rate", "max_rate", "is_open", "enter_tag",
    "leverage", "is_short", "open_timestamp", "close_timestamp", "funding_fees",
]
# settings Freqtrade would honour but this backtest does not model: refused when set
_UNSUPPORTED = {
    "use_custom_stoploss": "custom_stoploss",
    "use_custom_roi": "custom_roi", "position_adjustment_enable": "position adjustment",
    "enable_protections": "protections", "protections": "protections",
    "timeframe_detail": "timeframe_detail", "position_stacking": "position_stacking",
    "available_capital": "available_capital", "custom_exit": "custom_exit",
    "custom_entry_price": "custom_entry_price", "custom_exit_price": "custom_exit_price",
    "custom_stake_amount": "custom_stake_amount", "leverage": "leverage",
    "enable_dynamic_pairlist": "dynamic pairlists", "freqai": "freqai",
}
_TF_UNITS = {"m": 1, "h": 60, "d": 1440, "w": 10080}


def _timeframe_minutes(tf) -> int:
    if not isinstance(tf, str) or len(tf) < 2 or tf[-1] not in _TF_UNITS \
            or not tf[:-1].isdigit() or int(tf[:-1]) <= 0:
        raise ValueError(f"timeframe must look like '5m', '1h', '1d' (got {tf!r})")
    return int(tf[:-1]) * _TF_UNITS[tf[-1]]


def _parse_timerange(tr):
    """Freqtrade's ``YYYYMMDD-YYYYMMDD`` timerange (either side may be empty)."""
    if tr is None:
        return None, None
    import pandas as pd
    if not isinstance(tr, str) or tr.count("-") != 1:
        raise ValueError(f"timerange must be 'YYYYMMDD-YYYYMMDD' (got {tr!r})")
    out = []
    for part in tr.split("-"):
        if part == "":
            out.append(None)
        elif len(part) == 8 and part.isdigit():
            out.append(pd.Timestamp(part, tz="UTC"))
        else:
            raise ValueError(f"timerange must be 'YYYYMMDD-YYYYMMDD' (got {tr!r})")
    return out[0], out[1]


def _tick(value, what):
    """A market precision (tick size) as ``(integer mantissa, 10**decimals)``; 0 = none."""
    from decimal import Decimal
    if value is None:
        return 0.0, 1.0
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive tick size (got {value!r})")
    sign, digits, exp = Decimal(repr(value)).normalize().as_tuple()
    mant = int("".join(map(str, digits)))
    if exp > 0:
        mant, exp = mant * 10 ** exp, 0
    if mant >= 2 ** 40 or -exp > 20:
        raise ValueError(f"{what} {value!r} has too many digits to be a tick size")
    return float(mant), float(10 ** -exp)


def _flag(cfg, key, default):
    value = cfg.get(key, default)
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{key} must be True or False (got {value!r})")
    return bool(value)


def _number(cfg, key, default, lo=-np.inf, hi=np.inf):
    value = cfg.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{key} must be a number (got {value!r})")
    value = float(value)
    if not (lo <= value <= hi):
        raise ValueError(f"{key} must be within [{lo}, {hi}] (got {value!r})")
    return value


def _check_supported(cfg):
    for key, what in _UNSUPPORTED.items():
        value = cfg.get(key)
        if (value not in (None, 1) if key == "leverage" else bool(value)):
            raise ValueError(f"{what} is not supported by ftaccel.backtest (config {key!r})")
    mode = cfg.get("trading_mode", "spot")
    if mode not in ("spot", "futures"):
        raise ValueError(f"trading_mode {mode!r} is not supported by ftaccel.backtest "
                         "(spot, or futures at leverage 1)")
    if mode == "spot":
        if cfg.get("margin_mode") not in (None, ""):
            raise ValueError("margin_mode needs trading_mode 'futures'")
        if cfg.get("can_short"):
            raise ValueError("can_short needs trading_mode 'futures' (Freqtrade shorts only "
                             "in futures mode)")
        return False
    if cfg.get("margin_mode") != "isolated":
        raise ValueError("futures backtests need margin_mode 'isolated' (cross margin is "
                         "not supported by ftaccel.backtest)")
    if (cfg.get("futures_funding_rate") != 0 and cfg.get("funding_rates") is None
            and cfg.get("mark_prices") is None):
        raise ValueError("futures backtests need the funding data Freqtrade loads: config "
                         "'funding_rates' and 'mark_prices' ({pair: DataFrame}, may be empty), "
                         "or futures_funding_rate 0 to state that no funding applies")
    if abs(cfg.get("stoploss", 0) or 0) > 0.5 and cfg.get("leverage_tiers") is None:
        raise ValueError("futures with |stoploss| > 0.5: the liquidation price may be hit "
                         "before the stop; give config 'leverage_tiers' (maintenance margin "
                         "tiers per pair) so that liquidation is modelled")
    name = (cfg.get("exchange") or {}).get("name", "binance") \
        if isinstance(cfg.get("exchange"), dict) else cfg.get("exchange") or "binance"
    if cfg.get("leverage_tiers") is not None and str(name).lower() != "binance":
        raise ValueError(f"liquidation prices are modelled with Binance's formula only "
                         f"(config exchange {name!r})")
    return bool(_flag(cfg, "can_short", False))


_MINUTE = {"s": 60, "ms": 60_000, "us": 60_000_000, "ns": 60_000_000_000}


def _minutes(dates, pair):
    """Candle dates (tz-aware or naive UTC datetimes: a column's values) as whole minutes
    since the epoch."""
    import pandas as pd
    if not pd.api.types.is_datetime64_any_dtype(getattr(dates, "dtype", None)):
        raise TypeError(f"data[{pair!r}]['date'] must be datetimes")
    arr = pd.DatetimeIndex(dates).array if not isinstance(dates, pd.arrays.DatetimeArray) \
        else dates
    ticks = arr.asi8
    if ticks.shape[0] and ticks.min() == _NAT:  # NaT is the smallest int64
        raise ValueError(f"data[{pair!r}]['date'] has missing dates")
    per = _MINUTE[arr.unit]
    minutes = ticks // per
    if (minutes * per != ticks).any():
        raise ValueError(f"data[{pair!r}]['date'] must be whole minutes")
    return minutes


_NAT = np.iinfo(np.int64).min


_SIGNAL_BITS = {"enter_long": (1, 4), "exit_long": (2, 8), "enter_short": (16, 64),
                "exit_short": (32, 128)}


_NUMERIC_KINDS = {"integer", "floating", "mixed-integer-float", "boolean", "decimal", "empty"}


def _signal_bits(df, lo, hi, pair, can_short):
    """Per-row ``SIG_*`` bits: ``== 1`` (entries/exits) and truthy (ROI/exit checks)."""
    import pandas as pd
    bits = np.zeros(hi - lo, np.int64)
    columns = df.columns
    for col, (bit_eq, bit_any) in _SIGNAL_BITS.items():
        if col not in columns:
            continue
        raw = _col(df, col)
        if isinstance(raw, np.ndarray) and raw.dtype.kind in "iub" and raw.ndim == 1:
            vals = raw[lo:hi]  # integer signals: no NaN, the common 0/1 case in one pass
            if col.endswith("_short") and not can_short:
                if vals.any():
                    raise ValueError(f"data[{pair!r}] has short signals ({col}) but shorts "
                                     "are off (set trading_mode 'futures' and can_short True)")
                continue
            if vals.size == 0 or (vals.min() >= 0 and vals.max() <= 1):
                bits |= vals.astype(np.int64) * (bit_eq | bit_any)
                continue
        if getattr(raw, "dtype", None) is not None and raw.dtype.kind not in "iubf" and \
                pd.api.types.infer_dtype(raw, skipna=True) not in _NUMERIC_KINDS:
            # "1" is not 1 for Freqtrade's ``== 1`` test: refuse text rather than convert it
            raise TypeError(f"data[{pair!r}][{col!r}] must be numeric, not "
                            f"{pd.api.types.infer_dtype(raw, skipna=True)}")
        try:
            vals = np.asarray(raw[lo:hi], dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"data[{pair!r}][{col!r}] must be numeric") from exc
        if col.endswith("_short") and not can_short:
            if (np.nan_to_num(vals) != 0).any():
                raise ValueError(f"data[{pair!r}] has short signals ({col}) but shorts are "
                                 "off (set trading_mode 'futures' and can_short True)")
            continue
        bits |= (vals == 1) * bit_eq
        bits |= ((vals != 0) & (vals == vals)) * bit_any
    return bits


_USED = {"date", "open", "high", "low", "close", "enter_long", "exit_long", "enter_short",
         "exit_short", "enter_tag", "exit_tag"}


def _prepare(data, cfg, can_short):
    """Freqtrade's per-pair trimming and signal shift.

    Returns pairs, their trimmed frames and row arrays (the first trimmed row dropped, each
    row carrying the previous row's signals), and the clock's first and last minute.
    """
    import pandas as pd
    if not isinstance(data, dict) or not data:
        raise TypeError("data must be a non-empty dict {pair: analysed DataFrame}")
    start, stop = _parse_timerange(cfg.get("timerange"))
    startup = int(_number(cfg, "startup_candle_count", 0, 0, 10**7))
    pairs, frames, parts = [], [], []
    first_min = last_min = None
    for pair, df in data.items():
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"data[{pair!r}] must be a DataFrame")
        missing = [c for c in ("date", "open", "high", "low", "close") if c not in df.columns]
        if missing:
            raise ValueError(f"data[{pair!r}] lacks columns {missing}")
        if not df.columns.is_unique:
            twice = sorted({str(c) for c in df.columns[df.columns.duplicated()]} & _USED)
            if twice:
                raise ValueError(f"data[{pair!r}] has duplicate columns {twice}")
        all_minutes = minutes = _minutes(_col(df, "date"), pair)
        if len(minutes) > 1 and (minutes[1:] <= minutes[:-1]).any():
            raise ValueError(f"data[{pair!r}] dates must be strictly increasing")
        lo, hi = 0, len(df)
        if startup:
            lo = min(startup, hi)
        elif start is not None:
            lo = int(np.searchsorted(minutes, start.value // 60_000_000_000, side="left"))
        if stop is not None:
            hi = int(np.searchsorted(minutes, stop.value // 60_000_000_000, side="right"))
        if hi <= lo:
            continue
        minutes = minutes[lo:hi]
        first_min = minutes[0] if first_min is None else min(first_min, minutes[0])
        last_min = minutes[-1] if last_min is None else max(last_min, minutes[-1])
        try:
            full = [np.ascontiguousarray(_col(df, c), dtype=np.float64)
                    for c in ("open", "high", "low", "close")]
        except (TypeError, ValueError) as exc:
            raise TypeError(f"data[{pair!r}] open/high/low/close must be numeric") from exc
        ohlc = [a[lo:hi] for a in full]
        if any(not (a.min(initial=1.0) > 0 and a.max(initial=1.0) < np.inf) for a in ohlc):
            raise ValueError(f"data[{pair!r}] open/high/low/close must be finite and > 0")
        sig = _signal_bits(df, lo, hi, pair, can_short)
        pairs.append(pair)
        frames.append((df, lo, all_minutes, full))
        parts.append({"minutes": minutes[1:], "open": ohlc[0][1:], "high": ohlc[1][1:],
                      "low": ohlc[2][1:], "close": ohlc[3][1:], "signals": sig[:-1]})
    if not pairs:
        raise ValueError("no data left after applying timerange/startup_candle_count")
    return pairs, frames, parts, int(first_min), int(last_min)


def _near_half(x, scale):
    """Where ``round(x, 8)`` could change when ``x``, computed from values of magnitude
    ``scale``, moves by a few hundred units in the last place of ``scale``."""
    scaled = np.abs(x) * 1e8
    return np.abs(scaled - np.floor(scaled) - 0.5) < 1e-13 * 1e8 * np.abs(scale) + 1e-9


def _market_arrays(pairs, markets):
    if markets is None:
        markets = {}
    if not isinstance(markets, dict):
        raise TypeError("markets must be a dict {pair: ccxt market}")
    cols = {k: np.zeros(len(pairs)) for k in
            ("price_m", "price_p10", "amount_m", "amount_p10", "cost_min", "amount_min")}
    for i, pair in enumerate(pairs):
        m = markets.get(pair, {})
        prec = m.get("precision", {}) or {}
        cols["price_m"][i], cols["price_p10"][i] = _tick(prec.get("price"),
                                                         f"{pair} price precision")
        cols["amount_m"][i], cols["amount_p10"][i] = _tick(prec.get("amount"),
                                                           f"{pair} amount precision")
        limits = m.get("limits", {}) or {}
        for k in ("cost", "amount"):
            lim = limits.get(k, {}) or {}
            if lim.get("max") is not None:
                raise ValueError(f"{pair}: market limits.{k}.max is not supported by "
                                 "ftaccel.backtest")
            v = lim.get("min")
            cols[f"{k}_min"][i] = np.nan if v is None else float(v)
    return cols


def _row_ticks(pairs, frames, parts):
    """Per kernel row, the price tick Freqtrade's backtest gives a trade entered there:
    ``10**-d`` with ``d`` the most decimals of any O/H/L/C in the candle's calendar month
    (UTC) of the pair's whole frame, the previous month's when a month has none; 0 where
    no month so far has decimals (the market tick applies)."""
    ticks_m, ticks_p10 = [], []
    fam = _backend.family("backtest")
    for (_df, lo, minutes, ohlc), part in zip(frames, parts):
        m, p10 = fam.call("row_ticks", minutes, *ohlc, lo, len(part["open"]))
        ticks_m.append(m)
        ticks_p10.append(p10)
    return (np.ascontiguousarray(np.concatenate(ticks_m)),
            np.ascontiguousarray(np.concatenate(ticks_p10)))


def _funding_arrays(pairs, cfg):
    """Per-pair funding rows as Freqtrade's ``combine_funding_and_mark`` builds them:
    mark candles joined with funding rates on the exact date (``futures_funding_rate``,
    when set, fills missing leading rates, or all of them when there are none; rows with
    a missing rate or mark are then dropped)."""
    rates = cfg.get("funding_rates") or {}
    marks = cfg.get("mark_prices") or {}
    for what, d in (("funding_rates", rates), ("mark_prices", marks)):
        if not isinstance(d, dict):
            raise TypeError(f"config {what!r} must be a dict {{pair: DataFrame}}")
    ffr = cfg.get("futures_funding_rate")
    if ffr is not None:
        ffr = _number(cfg, "futures_funding_rate", 0.0)
    minutes, values, starts = [], [], [0]
    for pair in pairs:
        m_ns, m_open = _dated_column(marks.get(pair), ("open",), f"mark_prices[{pair!r}]")
        f_ns, f_rate = _dated_column(rates.get(pair), ("funding_rate", "open"),
                                     f"funding_rates[{pair!r}]")
        pos = np.minimum(np.searchsorted(f_ns, m_ns), max(len(f_ns) - 1, 0))
        match = (f_ns[pos] == m_ns) if len(f_ns) else np.zeros(len(m_ns), bool)
        if ffr is None:
            keep = match
            fund = f_rate[pos[keep]] if len(f_ns) else np.zeros(0)
        elif len(f_ns) == 0:
            keep = np.ones(len(m_ns), bool)
            fund = np.full(len(m_ns), ffr)
        else:
            fund = np.where(match, f_rate[pos], np.nan)
            valid = np.flatnonzero(~np.isnan(fund))
            if valid.size == 0:
                fund[:] = ffr
            else:
                lead = np.isnan(fund) & (np.arange(len(fund)) <= valid[0])
                fund[lead] = ffr
            keep = ~np.isnan(fund) & ~np.isnan(m_open)
            fund = fund[keep]
        ns = m_ns[keep]
        per = 60_000_000_000
        minutes.append(-((-ns) // per))  # ceil: keeps date <= T and date >= T exact
        values.append(fund * m_open[keep])
        starts.append(starts[-1] + len(ns))
    return (np.ascontiguousarray(np.concatenate(minutes), dtype=np.int64),
            np.ascontiguousarray(np.concatenate(values), dtype=np.float64),
            np.asarray(starts, dtype=np.int64))


def _dated_column(df, cols, what):
    """``date`` (ns since the epoch, strictly ascending) and the first present column of
    ``cols`` of a funding-rate or mark frame (None: no rows)."""
    import pandas as pd
    if df is None:
        return np.zeros(0, np.int64), np.zeros(0)
    if not isinstance(df, pd.DataFrame) or "date" not in df.columns:
        raise TypeError(f"{what} must be a DataFrame with a 'date' column")
    dates = df["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates) or dates.isna().any():
        raise TypeError(f"{what}['date'] must be datetimes without gaps (NaT)")
    col = next((c for c in cols if c in df.columns), None)
    if col is None:
        raise ValueError(f"{what} needs a {' or '.join(repr(c) for c in cols)} column")
    try:
        vals = np.asarray(df[col].to_numpy(), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what}[{col!r}] must be numeric") from exc
    ns = np.asarray(dates.dt.as_unit("ns").array.asi8, dtype=np.int64)
    if len(ns) > 1 and (np.diff(ns) <= 0).any():
        raise ValueError(f"{what}['date'] must be strictly ascending (no duplicates)")
    return ns, vals


def _tier_arrays(pairs, cfg):
    """Maintenance-margin tiers per pair (``minNotional``, ``maintenanceMarginRate`` and
    ``maintAmt`` or ccxt's ``info.cum``), as flat arrays; no tiers, no liquidation."""
    tiers = cfg.get("leverage_tiers")
    if tiers is None:
        tiers = {}
    if not isinstance(tiers, dict):
        raise TypeError("config 'leverage_tiers' must be a dict {pair: [tier, ...]}")
    mins, mmr, amt, starts = [], [], [], [0]
    for pair in pairs:
        if tiers and not tiers.get(pair):
            raise ValueError(f"leverage_tiers has no tiers for {pair} (Freqtrade refuses to "
                             "backtest a futures pair without leverage tiers)")
        rows = []
        for t in tiers.get(pair) or []:
            try:
                m_amt = t.get("maintAmt")
                if m_amt is None:
                    m_amt = (t.get("info") or {}).get("cum")
                if m_amt is None:
                    raise ValueError("maintAmt")
                rows.append((float(t["minNotional"]), float(t["maintenanceMarginRate"]),
                             float(m_amt)))
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"leverage_tiers[{pair!r}]: each tier needs minNotional, "
                                 "maintenanceMarginRate and maintAmt (or info.cum)") from exc
        rows.sort()
        if rows and (rows[0][0] != 0 or any(not (0 <= r[1] < 1) for r in rows)):
            raise ValueError(f"leverage_tiers[{pair!r}]: the first tier must start at "
                             "notional 0 and maintenance margin rates lie in [0, 1)")
        for r in rows:
            mins.append(r[0])
            mmr.append(r[1])
            amt.append(r[2])
        starts.append(starts[-1] + len(rows))
    return (np.asarray(starts, dtype=np.int64), np.asarray(mins, dtype=np.float64),
            np.asarray(mmr, dtype=np.float64), np.asarray(amt, dtype=np.float64))


def backtest(data, config):
    """Freqtrade's backtest of precomputed signals, in one compiled loop.

    :param data: ``{pair: DataFrame}`` with Freqtrade's analysed columns ``date, open, high,
        low, close, enter_long, exit_long`` (optional ``enter_short``, ``exit_short``,
        ``enter_tag``, ``exit_tag``), as
        ``populate_*`` leave them (signals on the candle they were computed on; the shift
        to the next candle is done here, as Freqtrade does). Missing candles are not filled:
        as in Freqtrade's loop, a pair simply has no row at a missing time (no entry, no
        exit check, no funding update there) and its next row carries the signals of its
        previous row. Freqtrade's data loader fills interior gaps (O=H=L=C=previous close,
        volume 0) before the loop; do so beforehand to match a CLI run.
    :param config: settings spelled as Freqtrade's config/strategy attributes:
        ``timeframe``, ``stoploss``, ``minimal_roi``, ``fee``, ``stake_amount`` (number or
        ``"unlimited"``), ``dry_run_wallet``, ``tradable_balance_ratio``,
        ``max_open_trades``, ``use_exit_signal``, ``exit_profit_only``,
        ``exit_profit_offset``, ``ignore_roi_if_entry_signal``, ``trailing_stop``,
        ``trailing_stop_positive``, ``trailing_stop_positive_offset``,
        ``trailing_only_offset_is_reached``, ``timerange``, ``startup_candle_count``,
        ``amend_last_stake_amount``, ``last_stake_amount_min_ratio``,
        ``amount_reserve_percent`` and ``markets`` ``{pair: ccxt market}`` (tick-size
        ``precision.price``/``precision.amount``, ``limits.cost.min``/``limits.amount.min``,
        ``taker``/``maker`` when ``fee`` is absent). Spot (long), or ``trading_mode``
        ``"futures"`` with ``margin_mode`` ``"isolated"`` and ``can_short``, always at
        leverage 1. Futures settings: ``funding_rates`` ``{pair: DataFrame}`` with
        ``date`` and ``funding_rate`` (or ``open``, as Freqtrade stores them) and
        ``mark_prices`` ``{pair: DataFrame}`` with ``date`` and ``open``: the frames
        Freqtrade's loader gives (``funding_rate`` and ``mark`` candles, 1h; the loader
        fills gaps in mark candles with the previous close, not in funding rates: pass
        mark frames filled the same way to match a CLI run), joined on the exact date;
        ``futures_funding_rate`` fills missing leading rates (all rates when a pair has
        none); a pair absent from either dict pays no funding. Funding
        (``rate * mark open * amount``, paid by longs and received by shorts for positive
        rates) accrues from the entry candle's date on, is updated at the entry and on
        each candle whose time is a multiple of ``funding_fee_timeframe`` (default
        ``"1h"``), and enters ``profit_abs``/``profit_ratio``, the ROI/trailing/
        exit_profit_only decisions and the wallet, as in Freqtrade. Without either dict,
        futures need ``futures_funding_rate`` 0 (no funding). ``leverage_tiers``
        ``{pair: [{minNotional, maintenanceMarginRate, maintAmt (or info.cum)}]}``
        (Freqtrade's/ccxt's tier form) and ``liquidation_buffer`` (default 0.05) give
        each trade Binance's isolated liquidation price (exit reason ``"liquidation"``,
        checked after the stoploss); without tiers, futures need ``|stoploss| <= 0.5``.
        Settings it does not model (custom callbacks, protections, position adjustment,
        timeframe_detail, leverage, ...) raise ValueError. Price tick: as in a Freqtrade
        CLI backtest, ``tick_size_from_data`` (default True) rounds a trade's prices
        (open rate, stops, exit and liquidation prices) to ``10**-d``, ``d`` the most
        decimals (14 significant digits) of any O/H/L/C in the calendar month of its entry
        (the previous month's when a month has only whole numbers, the market's
        ``precision.price`` before any); False uses the market's tick throughout. An exit
        price that rounds to outside its candle (prices finer than the tick) would leave
        Freqtrade with an open limit order, which is not modelled: ValueError.
    :return: trades DataFrame with Freqtrade's backtest result columns (without
        ``orders``), in Freqtrade's order (closing order, trades still open at the end
        force-exited last, ``is_open`` False as Freqtrade reports them). Freqtrade values
        trades in exact decimal arithmetic; here binary floating point is used, with
        ``profit_abs``/``stake_amount`` re-derived in decimal where their rounding to 8
        decimals could differ, so ``profit_ratio`` may differ in the last bit only.
    """
    plan = _plan(data, config)
    out_i, out_f = _run(plan, plan.settings, plan.roi_keys, plan.roi_vals)
    return _trades_frame(plan, out_i, out_f)


def _plan(data, config):
    """Validate ``config`` and prepare the row arrays of ``data`` once; every local the
    runs and the trades frame need, as attributes (see :func:`backtest`)."""
    if not isinstance(config, dict):
        raise TypeError("config must be a dict of Freqtrade settings")
    cfg = config
    can_short = _check_supported(cfg)
    tf_min = _timeframe_minutes(cfg.get("timeframe"))
    if "stoploss" not in cfg:
        raise ValueError("config needs 'stoploss'")
    stoploss = _number(cfg, "stoploss", None, -1.0, 0.0)
    roi_keys, roi_vals = _roi_table(cfg.get("minimal_roi", {"0": 10.0}))
    pairs, frames, parts, first_min, last_min = _prepare(data, cfg, can_short)
    markets = cfg.get("markets") or {}
    if "fee" in cfg and cfg["fee"] is not None:
        fee = _number(cfg, "fee", 0.0, 0.0, 0.5)
    else:
        m = markets.get(pairs[0], {})
        fees = [m.get(k) for k in ("taker", "maker") if m.get(k) is not None]
        if not fees:
            raise ValueError("config needs 'fee' (or taker/maker fees in markets)")
        fee = float(max(fees))
    stake = cfg.get("stake_amount")
    max_open = cfg.get("max_open_trades", -1)
    if isinstance(max_open, bool) or not isinstance(max_open, (int, float, np.integer)):
        raise TypeError("max_open_trades must be a number (-1: unlimited)")
    max_open = float(max_open)
    if max_open == np.inf or max_open < 0:
        max_open = -1.0
    if stake == "unlimited":
        if max_open <= 0:
            raise ValueError("stake_amount 'unlimited' needs a finite max_open_trades "
                             "(Freqtrade refuses this configuration)")
        stake_v = -1.0
    else:
        stake_v = _number(cfg, "stake_amount", None, 0.0)
    tsp = cfg.get("trailing_stop_positive")
    settings = np.array([
        fee, stoploss, stake_v, _number(cfg, "dry_run_wallet", 1000.0, 0.0),
        _number(cfg, "tradable_balance_ratio", 0.99, 0.0, 1.0), max_open,
        _flag(cfg, "use_exit_signal", True), _flag(cfg, "exit_profit_only", False),
        _number(cfg, "exit_profit_offset", 0.0), _flag(cfg, "ignore_roi_if_entry_signal", False),
        _flag(cfg, "trailing_stop", False),
        np.nan if tsp is None else _number(cfg, "trailing_stop_positive", 0.0, 0.0, 1.0),
        _number(cfg, "trailing_stop_positive_offset", 0.0, 0.0),
        _flag(cfg, "trailing_only_offset_is_reached", False),
        _number(cfg, "amount_reserve_percent", 0.05, 0.0),
        _flag(cfg, "amend_last_stake_amount", False),
        _number(cfg, "last_stake_amount_min_ratio", 0.5, 0.0), float(tf_min),
        float(can_short),
    ], dtype=np.float64)
    mk = _market_arrays(pairs, markets)
    futures = cfg.get("trading_mode", "spot") == "futures"
    if futures:
        fund_min, fund_val, fund_start = _funding_arrays(pairs, cfg)
        tier_start, tier_min, tier_mmr, tier_amt = _tier_arrays(pairs, cfg)
        fparams = np.array([_timeframe_minutes(cfg.get("funding_fee_timeframe", "1h")),
                            _number(cfg, "liquidation_buffer", 0.05, 0.0, 0.99)])
    else:
        fund_min, fund_val = np.zeros(0, np.int64), np.zeros(0)
        fund_start = tier_start = np.zeros(len(pairs) + 1, np.int64)
        tier_min = tier_mmr = tier_amt = np.zeros(0)
        fparams = np.array([0.0, 0.0])
    cat = {k: np.ascontiguousarray(np.concatenate([p[k] for p in parts]))
           for k in ("minutes", "open", "high", "low", "close", "signals")}
    starts = np.zeros(len(pairs) + 1, np.int64)
    starts[1:] = np.cumsum([len(p["open"]) for p in parts])
    # a trade needs an entry row; a reversal adds a second trade on the same row
    cap = max(2 * int(np.count_nonzero(cat["signals"] & (1 | 16))), 1)
    if _flag(cfg, "tick_size_from_data", True):
        tick_m, tick_p10 = _row_ticks(pairs, frames, parts)
    else:
        tick_m, tick_p10 = np.zeros(len(cat["open"])), np.ones(len(cat["open"]))
    return SimpleNamespace(**locals())


def _run(plan, settings, roi_keys, roi_vals):
    """One compiled backtest of ``plan`` with ``settings`` and ROI table: ``(out_i, out_f)``
    trimmed to the trades made. Thread-safe: the output arrays are its own."""
    cap, cat, starts, mk = plan.cap, plan.cat, plan.starts, plan.mk
    pairs, first_min, last_min = plan.pairs, plan.first_min, plan.last_min
    fund_min, fund_val, fund_start = plan.fund_min, plan.fund_val, plan.fund_start
    tier_start, tier_min, tier_mmr, tier_amt = (plan.tier_start, plan.tier_min,
                                                plan.tier_mmr, plan.tier_amt)
    fparams = plan.fparams
    out_i = np.zeros((cap, 5), np.int64)
    out_f = np.zeros((cap, 11), np.float64)
    tick_m, tick_p10 = plan.tick_m, plan.tick_p10
    n = _backend.family("backtest").call(
        "run_backtest", cat["minutes"], cat["open"], cat["high"], cat["low"], cat["close"],
        cat["signals"], starts, mk["price_m"], mk["price_p10"], mk["amount_m"],
        mk["amount_p10"], mk["cost_min"], mk["amount_min"], first_min, last_min, settings,
        roi_keys, roi_vals, out_i, out_f, fund_min, fund_val, fund_start, tier_start,
        tier_min, tier_mmr, tier_amt, fparams, tick_m, tick_p10)
    n = int(n)
    if n < 0:
        raise ValueError(f"{pairs[-1 - n]}: an exit price rounded to the price tick fell "
                         "outside its candle, so Freqtrade would leave a limit order open "
                         "(not modelled by ftaccel.backtest); prices finer than the tick "
                         "occur only with tick_size_from_data False or whole-number months")
    return out_i[:n], out_f[:n]


_DATE_UNIT = []


def _utc_dates(minutes):
    """Minutes since the epoch as the UTC dates ``pd.to_datetime(ms, unit="ms", utc=True)``
    gives (its resolution depends on the pandas version), built directly."""
    import pandas as pd
    if not _DATE_UNIT:
        _DATE_UNIT.append(pd.to_datetime(np.zeros(1, np.int64), unit="ms", utc=True).unit)
    unit = _DATE_UNIT[0]
    return pd.DatetimeIndex((minutes * _MINUTE[unit]).view(f"M8[{unit}]"), tz="UTC")


def _trades_frame(plan, out_i, out_f):
    """Freqtrade's trades frame of one run's output arrays."""
    from decimal import Decimal, localcontext

    import pandas as pd

    pairs, frames, cat, starts = plan.pairs, plan.frames, plan.cat, plan.starts
    fee, stoploss, futures = plan.fee, plan.stoploss, plan.futures
    n = out_i.shape[0]
    pair_i = out_i[:, 0]
    local_open = out_i[:, 1] - starts[pair_i]
    local_close = out_i[:, 2] - starts[pair_i]
    o_min, c_min = cat["minutes"][out_i[:, 1]], cat["minutes"][out_i[:, 2]]
    reasons = [REASON_NAMES[int(r)] for r in out_i[:, 3]]
    is_short = out_i[:, 4] != 0
    enter_tags = np.empty(n, dtype=object)
    exit_tags = np.empty(n, dtype=object)
    for pi in np.unique(pair_i):
        sel = np.flatnonzero(pair_i == pi)
        frame, first = frames[pi][:2]
        for col, rows, dest in (("enter_tag", local_open, enter_tags),
                                ("exit_tag", local_close, exit_tags)):
            if col in frame.columns:
                tags = frame[col].to_numpy(dtype=object)[first + rows[sel]]
                dest[sel] = [None if (x is None or x != x) else x for x in tags]
            else:
                dest[sel] = ""
    for t in np.flatnonzero(out_i[:, 3] == 4):  # exit signals carry their exit_tag
        if exit_tags[t] is not None and len(exit_tags[t]) > 0:
            reasons[t] = exit_tags[t]
    # trade values as Freqtrade computes them (trade_profit's arithmetic); the stake is
    # amount * entry candle open rounded to 8 decimals, re-derived in decimal where a
    # last-bit difference could change the rounding
    amount, open_rate, close_rate = out_f[:, 1], out_f[:, 2], out_f[:, 3]
    funding = out_f[:, 10]
    profit_abs, _, open_value = _trade_values(amount, open_rate, close_rate, fee, fee,
                                              is_short, 1.0, funding)
    stake_raw = amount * cat["open"][out_i[:, 1]]
    stake_amount = np.array([round(x, 8) for x in stake_raw.tolist()])
    with localcontext() as ctx:
        ctx.prec = 120
        for t in _near_half(stake_raw, stake_raw).nonzero()[0]:
            entry = Decimal(repr(float(cat["open"][out_i[t, 1]])))
            stake_amount[t] = round(float(Decimal(repr(float(amount[t]))) * entry), 8)
    init_pct = -abs(stoploss)
    df = pd.DataFrame({
        "pair": [pairs[i] for i in pair_i], "stake_amount": stake_amount,
        "max_stake_amount": stake_amount, "amount": np.round(out_f[:, 1], 8),
        "open_date": _utc_dates(o_min), "close_date": _utc_dates(c_min),
        "open_rate": out_f[:, 2], "close_rate": out_f[:, 3], "fee_open": fee, "fee_close": fee,
        "trade_duration": c_min - o_min, "profit_ratio": profit_abs / open_value,
        "profit_abs": profit_abs, "exit_reason": reasons,
        "initial_stop_loss_abs": out_f[:, 4],
        "initial_stop_loss_ratio": init_pct if init_pct else None,
        "stop_loss_abs": out_f[:, 5],
        "stop_loss_ratio": pd.Series(out_f[:, 6], dtype=object).where(out_f[:, 6] != 0, None),
        "min_rate": out_f[:, 7], "max_rate": out_f[:, 8], "is_open": False,
        "enter_tag": enter_tags, "leverage": 1.0, "is_short": is_short,
        "open_timestamp": o_min * 60_000, "close_timestamp": c_min * 60_000,
        "funding_fees": funding if futures else 0.0,
    }, columns=RESULT_COLUMNS)
    return df


# --- trade values ------------------------------------------------------------------

def _decimal_trade_values(a, p, c, fo, fc, short, lev, ff):
    """One trade's ``(profit_abs, profit_ratio, open_value)`` exactly as Freqtrade's
    ``LocalTrade`` computes them: exact decimal products of the floats' shortest decimal
    forms (ccxt ``Precise``), converted to float, then float subtraction and division."""
    from decimal import Decimal, localcontext

    def dec(x):
        return Decimal(repr(float(x)))

    with localcontext() as ctx:
        ctx.prec = 200  # exact: three 17-digit factors
        amount = dec(a)
        v = amount * dec(p)
        c0 = amount * dec(c)
        if short:
            ov = float(v - v * dec(fo))
            cv = float(c0 + c0 * dec(fc)) - ff
        else:
            ov = float(v + v * dec(fo))
            cv = float(c0 - c0 * dec(fc)) + ff
    profit_abs = round(ov - cv if short else cv - ov, 8)
    if ov == 0.0:
        return profit_abs, 0.0, ov
    ratio = ((1 - (cv / ov)) if short else ((cv / ov) - 1)) * lev
    return profit_abs, round(ratio, 8), ov


def _trade_values(amount, open_rate, close_rate, fee_open, fee_close, is_short,
                  leverage=1.0, funding_fees=0.0):
    """``(profit_abs, profit_ratio, open_value)`` arrays of validated inputs (arrays of one
    length, or scalars): the ``trade_values`` kernel, with the rows it marks uncertain
    recomputed in decimal."""
    n = np.shape(amount)[0]

    def f8(x, dtype=np.float64):
        if type(x) is np.ndarray and x.dtype == dtype and x.shape == (n,):
            return np.ascontiguousarray(x)  # the common case: a column, copied if strided
        if type(x) in (float, int, bool):
            return np.full(n, x, dtype)
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype), (n,)))

    args = [f8(amount), f8(open_rate), f8(close_rate), f8(fee_open), f8(fee_close),
            f8(is_short, np.int64), f8(leverage), f8(funding_fees)]
    profit_abs, ratio, open_value, uncertain = _backend.family("backtest").call(
        "trade_values", *args)
    for t in np.flatnonzero(uncertain):
        profit_abs[t], ratio[t], open_value[t] = _decimal_trade_values(
            *(float(x[t]) for x in args[:5]), bool(args[5][t]), float(args[6][t]),
            float(args[7][t]))
    return profit_abs, ratio, open_value


_PROFIT_ARGS = ("open_rate", "close_rate", "amount", "fee_open", "fee_close", "is_short",
                "leverage", "funding_fees")


def trade_profit(open_rate, close_rate, amount, fee_open, fee_close, is_short=False,
                 leverage=1.0, funding_fees=0.0):
    """Absolute profit and profit ratio of trades, fees on both legs, as Freqtrade's
    ``LocalTrade.calc_profit`` / ``calc_profit_ratio`` compute them (spot, or futures with
    ``funding_fees``; not margin mode's interest).

    Long: ``open_value = amount * open_rate * (1 + fee_open)``,
    ``close_value = amount * close_rate * (1 - fee_close) + funding_fees``,
    ``profit_abs = round(close_value - open_value, 8)``,
    ``profit_ratio = round((close_value / open_value - 1) * leverage, 8)``; short: fees
    and funding the other way round, ``profit_abs = round(open_value - close_value, 8)``,
    ``profit_ratio = round((1 - close_value / open_value) * leverage, 8)``. Values are in
    stake currency; the trade values are exact decimal products of the inputs' shortest
    decimal forms, as Freqtrade computes them, so the results equal Freqtrade's bit for bit.

    Every argument is a scalar or a 1-D array (broadcast to one length): ``open_rate`` > 0,
    ``close_rate`` >= 0, ``amount`` > 0, fees in [0, 1), ``is_short`` booleans,
    ``leverage`` >= 1, ``funding_fees`` signed (negative: the trade paid). NaN or infinite
    values raise ValueError.

    :return: ``(profit_abs, profit_ratio)`` float64 arrays (floats when every argument is
        a scalar)
    """
    values = dict(zip(_PROFIT_ARGS, (open_rate, close_rate, amount, fee_open, fee_close,
                                     is_short, leverage, funding_fees)))
    arrays = {}
    for name, value in values.items():
        if isinstance(value, (str, bytes, dict)) or value is None:
            raise TypeError(f"{name} must be a number or an array of numbers")
        if name == "is_short":
            arr = np.asarray(value)
            if arr.dtype.kind == "b":
                arr = arr.astype(np.int64)
            elif arr.dtype.kind in "iu" and ((arr == 0) | (arr == 1)).all():
                arr = arr.astype(np.int64)
            else:
                raise TypeError("is_short must be booleans")
        else:
            try:
                arr = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{name} must be a number or an array of numbers") from exc
            if not np.isfinite(arr).all():
                raise ValueError(f"{name} must be finite (no NaN or infinity)")
        if arr.ndim > 1:
            raise ValueError(f"{name} must be a scalar or 1-dimensional")
        arrays[name] = arr
    scalar = all(a.ndim == 0 for a in arrays.values())
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError as exc:
        lengths = {k: len(a) for k, a in arrays.items() if a.ndim == 1}
        raise ValueError(f"array arguments differ in length: {lengths}") from exc
    checks = {"open_rate": (0.0, False), "close_rate": (0.0, True), "amount": (0.0, False),
              "leverage": (1.0, True)}
    for name, (lo, inclusive) in checks.items():
        a = arrays[name]
        if not ((a >= lo) if inclusive else (a > lo)).all():
            raise ValueError(f"{name} must be {'>=' if inclusive else '>'} {lo:g}")
    for name in ("fee_open", "fee_close"):
        if not ((arrays[name] >= 0) & (arrays[name] < 1)).all():
            raise ValueError(f"{name} must be within [0, 1)")
    n = shape[0] if shape else 1
    full = [np.broadcast_to(a, (n,)) for a in arrays.values()]
    profit_abs, ratio, _ = _trade_values(full[2], full[0], full[1], full[3], full[4],
                                         full[5], full[6], full[7])
    if scalar:
        return float(profit_abs[0]), float(ratio[0])
    return profit_abs, ratio


# --- batch mode -------------------------------------------------------------------

SWEEP_KEYS = ("minimal_roi", "stoploss", "trailing_stop", "trailing_stop_positive",
              "trailing_stop_positive_offset", "trailing_only_offset_is_reached")
SWEEP_COLUMNS = [
    "trades", "wins", "draws", "losses", "winrate", "profit_total_abs", "profit_total",
    "max_drawdown_abs", "max_drawdown_account", "max_relative_drawdown", "sharpe",
    "sortino", "calmar", "sqn", "expectancy", "expectancy_ratio", "cagr",
]


def _sweep_settings(config, params):
    """Per set: the settings vector entries and ROI table of ``config | params[i]``."""
    from .fallback.backtest import S_ONLY_OFFSET, S_STOPLOSS, S_TRAILING, S_TSP, S_TSP_OFFSET

    runs = []
    for i, p in enumerate(params):
        cfg = {**config, **p}
        try:
            _check_supported(cfg)
            if "stoploss" not in cfg:
                raise ValueError("config needs 'stoploss'")
            settings = {}
            settings[S_STOPLOSS] = _number(cfg, "stoploss", None, -1.0, 0.0)
            settings[S_TRAILING] = _flag(cfg, "trailing_stop", False)
            tsp = cfg.get("trailing_stop_positive")
            settings[S_TSP] = (np.nan if tsp is None else
                               _number(cfg, "trailing_stop_positive", 0.0, 0.0, 1.0))
            settings[S_TSP_OFFSET] = _number(cfg, "trailing_stop_positive_offset", 0.0, 0.0)
            settings[S_ONLY_OFFSET] = _flag(cfg, "trailing_only_offset_is_reached", False)
            roi_keys, roi_vals = _roi_table(cfg.get("minimal_roi", {"0": 10.0}))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"params[{i}]: {exc}") from exc
        runs.append((settings, roi_keys, roi_vals))
    return runs


def _sweep_keys(params):
    from collections.abc import Mapping

    for i, p in enumerate(params):
        if not isinstance(p, Mapping):
            raise TypeError(f"params[{i}] must be a mapping of settings, got "
                            f"{type(p).__name__}")
        bad = sorted(str(k) for k in p if k not in SWEEP_KEYS)
        if bad:
            raise ValueError(f"params[{i}] sets {', '.join(map(repr, bad))}, which sweep "
                             f"cannot vary; allowed: {', '.join(SWEEP_KEYS)}")


def _sweep_threads(threads, config):
    if threads is None:
        from . import config as _config
        if _config.BLOCK in config:
            return _config.load(config).threads
        current = _config.current()
        return current.threads if current.sources else _config.load(None).threads
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"threads must be an integer >= 1 or None (got {threads!r})")
    return int(threads)


def _summary(plan, out_i, out_f, balance, days):
    """Freqtrade's report figures of one run, from the kernel's output arrays."""
    import math

    from . import metrics

    mfam = _backend.family("metrics")
    n = out_i.shape[0]
    profit, _, _ = _trade_values(out_f[:, 1], out_f[:, 2], out_f[:, 3], plan.fee, plan.fee,
                                 out_i[:, 4], 1.0, out_f[:, 10])
    row = dict.fromkeys(SWEEP_COLUMNS, 0.0)
    wins = int(np.count_nonzero(profit > 0))
    losses = int(np.count_nonzero(profit < 0))
    total = float(mfam.call("pairwise_sum", profit)) if n else 0.0
    row.update(trades=n, wins=wins, losses=losses, draws=n - wins - losses,
               winrate=wins / n if n else 0.0, profit_total_abs=total,
               profit_total=total / balance,
               cagr=metrics.calculate_cagr(max(days, 1), balance, balance + total))
    expectancy, expectancy_ratio = 0.0, 100.0
    if n:
        # calculate_expectancy
        win_sum, nwin, loss_sum, nloss = mfam.call("win_loss_sums", profit)
        nwin, nloss = int(nwin), int(nloss)
        loss_sum = abs(np.float64(loss_sum))
        average_win = (np.float64(win_sum) / nwin) if nwin > 0 else 0
        average_loss = (loss_sum / nloss) if nloss > 0 else 0
        winrate = nwin / n
        expectancy = (winrate * average_win) - (nloss / n * average_loss)
        if average_loss > 0:
            expectancy_ratio = ((1 + average_win / average_loss) * winrate) - 1
        # calculate_max_drawdown on close_date order, absolute and relative
        # (the trades frame's close_date order: sort_values' quicksort unless increasing)
        close = (plan.cat["minutes"][out_i[:, 2]] * 60_000_000).view("M8[us]")
        order = (None if (close[1:] > close[:-1]).all()
                 else np.argsort(close, kind="quicksort"))
        ordered = np.ascontiguousarray(profit if order is None else profit[order])
        _, _, drawdown, rel = mfam.call("drawdown_series", ordered, float(balance))
        low = mfam.call("argmin_skipnan", drawdown, n + 1)
        row.update(max_drawdown_abs=abs(float(drawdown[low])),
                   max_drawdown_account=float(rel[low]),
                   max_relative_drawdown=float(rel[mfam.call("argmax_skipnan", rel, n + 1)]))
        # calculate_sqn
        sum_r, count, std = mfam.call("returns_stats", profit, float(balance), 1, 0)
        average = sum_r / count if count else np.nan
        row["sqn"] = (metrics._round4(math.sqrt(n) * (average / std))
                      if std != 0 and not math.isnan(std) else -100.0)
        if plan.first_min != plan.last_min:
            period = max(1, days)
            # calculate_sharpe, calculate_sortino, calculate_calmar
            sum_r, _, std = mfam.call("returns_stats", profit, float(balance), 0, 0)
            row["sharpe"] = metrics._annualized(sum_r / period, std)
            sum_r, _, down = mfam.call("returns_stats", profit, float(balance), 0, 1)
            row["sortino"] = metrics._annualized(sum_r / period, down)
            row["calmar"] = metrics._annualized(total / balance / period * 100,
                                                row["max_drawdown_account"])
    row.update(expectancy=expectancy, expectancy_ratio=expectancy_ratio)
    return row


def sweep(data, config, params, *, threads=None):
    """Backtest many ROI / stoploss / trailing-stop settings over the same signals.

    Hyperopt's ``roi``, ``stoploss`` and ``trailing`` spaces in one call: ``data`` and
    ``config`` as for :func:`backtest` (prepared once), and ``params`` a sequence of
    mappings, each overriding any of ``minimal_roi``, ``stoploss``, ``trailing_stop``,
    ``trailing_stop_positive``, ``trailing_stop_positive_offset`` and
    ``trailing_only_offset_is_reached`` (other keys raise ValueError naming them). Each set
    runs the compiled backtest loop (which releases the GIL) on a pool of ``threads``
    threads; ``None`` reads ``numba_parallel_threads`` of the config's
    ``performance_optimization`` block (``"auto"``: one per CPU; ``FTACCEL_THREADS``
    overrides). No trades frame is built.

    :return: DataFrame, one row per set in ``params`` order, with Freqtrade's report
        figures of ``backtest(data, config | params[i])``: ``trades``, ``wins``, ``draws``,
        ``losses``, ``winrate`` (wins / trades), ``profit_total_abs`` (sum of
        ``profit_abs``, stake currency), ``profit_total`` (that / ``dry_run_wallet``),
        ``max_drawdown_abs``, ``max_drawdown_account`` (relative drawdown of the largest
        absolute one) and ``max_relative_drawdown`` (the largest relative one), as
        ``calculate_max_drawdown`` computes them on the trades with ``starting_balance``
        ``dry_run_wallet``; ``sharpe``, ``sortino``, ``calmar``, ``sqn``, ``expectancy``,
        ``expectancy_ratio`` and ``cagr`` as the metrics family computes them over the
        backtest's timerange (first to last candle date after ``timerange`` and
        ``startup_candle_count``). Without trades every figure is 0 except
        ``expectancy_ratio`` (100, Freqtrade's value).
    """
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd

    if not isinstance(config, dict):
        raise TypeError("config must be a dict of Freqtrade settings")
    if isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__"):
        raise TypeError("params must be a sequence of mappings (one per parameter set)")
    params = list(params)
    n_threads = _sweep_threads(threads, config)
    _sweep_keys(params)
    if not params:
        return pd.DataFrame(columns=SWEEP_COLUMNS)
    runs = _sweep_settings(config, params)
    plan = _plan(data, {**config, **params[0]})
    for i, (entries, roi_keys, roi_vals) in enumerate(runs):
        settings = plan.settings.copy()
        for k, v in entries.items():
            settings[k] = v
        runs[i] = (settings, roi_keys, roi_vals)
    balance = float(plan.settings[3])  # dry_run_wallet
    if balance <= 0:
        raise ValueError("dry_run_wallet must be > 0 for the sweep's ratios")
    days = (plan.last_min - plan.first_min) // 1440

    def one(run):
        out_i, out_f = _run(plan, *run)
        return _summary(plan, out_i, out_f, balance, days)

    if n_threads == 1 or len(runs) == 1:
        rows = [one(run) for run in runs]
    else:
        with ThreadPoolExecutor(max_workers=min(n_threads, len(runs))) as pool:
            rows = list(pool.map(one, runs))
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)
