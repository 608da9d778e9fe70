"""The optional FMA module of the indicators (x86-64 with AVX and FMA3): build contents,
dispatch, opt-out, and results against the portable module and TA-Lib."""

from __future__ import annotations

import json
import os
import platform

import numpy as np
import pytest
import talib
from util import run_python

import build_kernels
import ftaccel
import ftaccel.ta as ta
from ftaccel import _backend

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAMILY = _backend.family("indicators")
CPU_OK = (platform.machine().lower() in ("x86_64", "amd64")
          and all(_backend._cpu_features().get(f) for f in _backend.FMA_CPU_FEATURES))
ROWS = [row for row in ta.FUNCTIONS if row.kernel in build_kernels.FMA_KERNELS]
# Where our step order is TA-Lib's, its FMA build (selected on this CPU) and ours round
# identically: the whole output is bit-for-bit equal (measured on generated candles).
BIT_IDENTICAL = ("EMA", "DEMA", "TEMA", "T3", "KAMA", "APO", "PPO", "TRIX", "SAR", "ATR",
                 "NATR", "ADOSC", "LINEARREG", "TSF", "LINEARREG_INTERCEPT", "HT_DCPERIOD",
                 "HT_PHASOR", "HT_DCPHASE", "HT_SINE", "HT_TRENDMODE", "HT_TRENDLINE",
                 "MIDPOINT", "MIDPRICE", "CORREL")
# In the FMA module for speed, with roundings that rarely or never differ from the
# portable kernels': HT_TRENDMODE and HT_TRENDLINE read the dominant cycle period only
# through int(period + 0.5), LINEARREG_INTERCEPT fuses nothing (as TA-Lib's FMA build),
# MIDPOINT and MIDPRICE have no product at all, CORREL's (FMA_EXACT) calls no mul_add.
SAME_BITS = ("HT_TRENDMODE", "HT_TRENDLINE", "LINEARREG_INTERCEPT", "MIDPOINT", "MIDPRICE",
             "CORREL")


def test_fma_list_and_features_are_consistent():
    from ftaccel.kernels import exports

    names = exports("indicators")
    assert set(build_kernels.FMA_KERNELS) <= set(names)
    assert len(set(build_kernels.FMA_KERNELS)) == len(build_kernels.FMA_KERNELS)
    # qtpylib kernels stay bit-identical to pandas: never contracted.
    assert not [k for k in build_kernels.FMA_KERNELS if k.startswith("qt_")]
    # Every LLVM feature the build enables is checked at run time ("+fma" implies AVX).
    spelled = {"+avx": "AVX", "+fma": "FMA3"}
    assert {spelled[f] for f in build_kernels.FMA_LLVM_FEATURES.split(",")} == set(
        _backend.FMA_CPU_FEATURES)
    assert build_kernels.FMA_TARGET_CPU == "x86-64"


def test_build_switch(monkeypatch):
    monkeypatch.delenv("FTACCEL_FMA_BUILD", raising=False)
    assert build_kernels.build_fma() == (platform.machine().lower() in ("x86_64", "amd64"))
    monkeypatch.setenv("FTACCEL_FMA_BUILD", "0")
    assert build_kernels.build_fma() is False
    names = [ext.name for ext in build_kernels.extensions()]
    assert names == [f"ftaccel._aot_{family}" for family in build_kernels.FAMILIES]


def test_contracting_copies_leave_the_originals_alone():
    """The FMA build copies every helper; the portable build's dispatchers keep their
    options (no fastmath) and the copies' options differ only by contraction."""
    from numba.core.dispatcher import Dispatcher

    import ftaccel.kernels.indicators.overlap as overlap

    before = {k: dict(v.targetoptions) for k, v in vars(overlap).items()
              if isinstance(v, Dispatcher)}
    copies = build_kernels._contracting_copies("indicators", ("ema", "t3"))
    after = {k: dict(v.targetoptions) for k, v in vars(overlap).items()
             if isinstance(v, Dispatcher)}
    assert before == after and all("fastmath" not in o for o in after.values())
    ema_copy = copies["ema"][0]
    assert ema_copy is not overlap.ema and ema_copy.__code__ is overlap.ema.__code__
    helper = ema_copy.__globals__["_ema"]
    assert helper is not overlap._ema
    assert helper.targetoptions["fastmath"] == {"contract"}
    assert {k: v for k, v in helper.targetoptions.items() if k != "fastmath"} == \
        overlap._ema.targetoptions


def test_exact_modules_fuse_only_where_mul_add_says():
    """Kernels of an ``FMA_EXACT`` module (the Hilbert transforms) get copies without
    contraction, set explicitly (an unset fastmath is inherited from the caller), and
    ``mul_add`` becomes one exact fused multiply-add; elsewhere it is ``a * b + c``."""
    import ftaccel.kernels.indicators.cycle as cycle
    from ftaccel.kernels import mul_add

    assert cycle.FMA_EXACT and build_kernels.fma_exact(cycle.ht_sine)
    assert not build_kernels.fma_exact(ta_kernel("ema"))
    copies = build_kernels._contracting_copies("indicators", ("ht_sine",))
    space = copies["ht_sine"][0].__globals__
    assert space["_ht_sine"].targetoptions["fastmath"] is False
    # kernels read FMA_BUILD at compile time: True only in the copies' globals
    import ftaccel.kernels.indicators.statistic as statistic

    assert space["FMA_BUILD"] is True and statistic.FMA_BUILD is False
    assert space["_hilbert"].targetoptions["fastmath"] is False
    fused = space["mul_add"]
    assert fused is not mul_add and "fastmath" not in mul_add.targetoptions
    a, b, c = 0.1, 10.0, -1.0  # 0.1 * 10 rounds to exactly 1.0; the exact sum is 2**-54
    assert mul_add(a, b, c) == 0.0
    assert fused(a, b, c) == 5.551115123125783e-17


def ta_kernel(name):
    from ftaccel.kernels import exports

    return exports("indicators")[name][0]


def test_build_info_of_the_fma_module():
    if FAMILY._fma is None:
        assert not CPU_OK, FAMILY._fma_reason  # built in development on x86-64
        return
    info = json.loads(FAMILY._fma._build_info())
    assert info["kernels"] == sorted(build_kernels.FMA_KERNELS)
    assert info["fp_contract"] is True and info["cpu_features"] == "+avx,+fma"
    assert info["target_cpu"] == "x86-64"
    assert "fp_contract" not in FAMILY.build_info()  # the portable module


def test_dispatch_prefers_the_fma_module_when_allowed():
    info = ftaccel.info()["families"]["indicators"]
    if not CPU_OK:
        assert info["fma_module"] is None and info["fma"].startswith("not used")
        return
    assert info["fma_module"] and info["fma"].startswith("used for")
    assert info["fma_kernels"] == sorted(build_kernels.FMA_KERNELS)
    if FAMILY.backend != "compiled":
        pytest.fail(f"indicators not on the compiled backend: {FAMILY.reason}")
    for kernel in build_kernels.FMA_KERNELS:
        assert getattr(FAMILY.module, kernel) is getattr(FAMILY._fma, kernel), kernel
    assert FAMILY.module.sma is FAMILY._compiled.sma
    assert FAMILY.module.qt_rsi is FAMILY._compiled.qt_rsi
    # Other families never get one.
    for name in ("metrics", "backtest"):
        fam = ftaccel.info()["families"][name]
        assert fam["fma_module"] is None and fam["fma"] is None and not fam["fma_kernels"]


def test_env_disables_the_fma_module():
    code = """
        import sys, ftaccel
        from ftaccel import _backend
        fam = _backend.family('indicators')
        print(fam.info()['fma'])
        print('ftaccel._aot_indicators_fma' in sys.modules, fam.module is fam._compiled)
    """
    out = run_python(code, FTACCEL_FMA="0").splitlines()
    assert out == ["not used: disabled by FTACCEL_FMA=0", "False True"]


def test_cpu_without_fma_never_imports_it():
    """A CPU lacking a feature must not even import the module (illegal instruction)."""
    code = """
        import sys
        from ftaccel import _backend
        _backend._cpu_features = lambda: {'AVX': True, 'AVX2': True}
        import numpy as np, ftaccel.ta as ta
        fam = _backend.family('indicators')
        print(fam.info()['fma'], fam.backend)
        print('ftaccel._aot_indicators_fma' in sys.modules, ta.EMA(np.arange(5.0), 2)[-1])
    """
    out = run_python(code).splitlines()
    if platform.machine().lower() in ("x86_64", "amd64"):
        assert out[0] == "not used: CPU lacks FMA3 compiled"
    assert out[1] == "False 3.5"


def test_missing_fma_module_is_not_an_error():
    code = """
        import sys
        sys.modules['ftaccel._aot_indicators_fma'] = None  # import of it now fails
        import numpy as np, ftaccel, ftaccel.ta as ta
        fam = ftaccel.info()['families']['indicators']
        print(fam['backend'], '|', fam['fma'])
        print(ta.EMA(np.arange(5.0), 2)[-1])
    """
    out = run_python(code).splitlines()
    assert out[0].startswith("compiled | not used: ")
    if CPU_OK:
        assert "ModuleNotFoundError" in out[0]
    assert out[1] == "3.5"


def test_stale_fma_module_is_not_used():
    """An FMA module built before the portable one holds older kernel code: not used."""
    code = """
        import sys
        from ftaccel import _backend
        _backend.Family.build_info = lambda self: {"built_at": "9999-01-01T00:00:00Z"}
        import numpy as np, ftaccel.ta as ta
        fam = _backend.family('indicators')
        print(fam.info()['fma'])
        print(fam.module is fam._compiled, ta.EMA(np.arange(5.0), 2)[-1])
    """
    out = run_python(code).splitlines()
    if CPU_OK:
        assert out[0].startswith("not used: built before ftaccel._aot_indicators ("), out
    assert out[1] == "True 3.5"


def _series(n=20_000, seed=7):
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.05, n)))  # volatile: many roundings differ
    close[:25] = np.nan
    close[400:460] = close[399]  # flat stretch
    close[900] *= 3  # spike
    high = close * (1 + rng.random(n) * 0.01)
    low = close * (1 - rng.random(n) * 0.01)
    volume = rng.gamma(2.0, 50.0, n)
    volume[rng.random(n) < 0.05] = 0.0
    return {"open": close * (1 + rng.normal(0, 0.002, n)), "high": high, "low": low,
            "close": close, "volume": volume}


def _both(row, kwargs, data):
    args = [data[col] for _, col in row.inputs]
    func = getattr(ta, row.name)
    saved = FAMILY.module
    try:
        FAMILY.module = FAMILY._compiled
        base = func(*args, **kwargs)
        FAMILY.module = FAMILY._overlay
        fma = func(*args, **kwargs)
    finally:
        FAMILY.module = saved
    return _tuple(base), _tuple(fma), args


def _tuple(result):
    return result if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_fma_kernel_matches_the_portable_one(row):
    """Same NaN positions, values within 1e-12 (relative to the output's scale)."""
    if FAMILY._fma is None:
        assert not CPU_OK, FAMILY._fma_reason
        return
    data = _series()
    small = {p.name: p.lo if p.kind == "int" and p.lo >= 2 else p.default for p in row.params}
    ema_types = {p.name: 1 for p in row.params if p.name.endswith("matype")}  # 1: EMA
    # periods of 5: with STOCH's default 3 an EMA's k is 0.5 and the fused step is exact
    longer = {p.name: 5 for p in row.params
              if p.kind == "int" and p.name.endswith("period") and p.lo <= 5 <= p.hi}
    differs = False
    for kwargs in ({}, small, ema_types, {**small, **ema_types}, {**longer, **ema_types}):
        base, fma, _ = _both(row, kwargs, data)
        differs |= any(not np.array_equal(b, f, equal_nan=True) for b, f in zip(base, fma))
        for b, f in zip(base, fma):
            assert np.array_equal(np.isnan(b), np.isnan(f)), (row.name, kwargs)
            scale = np.nanmax(np.abs(b)) if np.isfinite(b).any() else 1.0
            np.testing.assert_allclose(f, b, rtol=1e-12, atol=1e-12 * scale, equal_nan=True,
                                       err_msg=f"{row.name} {kwargs}")
    # The defaults of MA and MACDEXT are SMAs (nothing to contract); with EMAs they differ.
    assert differs or row.name in SAME_BITS, \
        f"{row.name}: no rounding differs from the portable module; is it contracted?"


@pytest.mark.parametrize("name", BIT_IDENTICAL)
def test_bit_identical_to_talib_fma_path(name, real_candles):
    """On a CPU with FMA the installed TA-Lib runs its FMA build; ours rounds the same."""
    if FAMILY._fma is None:
        assert not CPU_OK, FAMILY._fma_reason
        return
    row = next(r for r in ROWS if r.name == name)
    assert real_candles
    for pair, frame in real_candles.items():
        data = {c: frame[c].to_numpy(np.float64) for c in
                ("open", "high", "low", "close", "volume")}
        base, fma, args = _both(row, {}, data)
        for f, r in zip(fma, _tuple(getattr(talib, name)(*args))):
            assert np.array_equal(f, r, equal_nan=True), (name, pair)


@pytest.mark.parametrize("name", ["RSI", "CMO"])
def test_wilder_oscillators_stay_bit_identical_to_talib(name, real_candles):
    """TA-Lib has no FMA build of RSI/CMO, so they stay on the portable kernels, whose
    results equal TA-Lib's to the last bit whatever the CPU."""
    assert name.lower() not in build_kernels.FMA_KERNELS
    assert real_candles
    for pair, frame in real_candles.items():
        close = frame["close"].to_numpy(np.float64)
        for period in (2, 14, 30):
            ours = getattr(ta, name)(close, timeperiod=period)
            assert np.array_equal(ours, getattr(talib, name)(close, timeperiod=period),
                                  equal_nan=True), (name, pair, period)


MATYPE_CASES = [(name, m) for name in ("MA", "APO", "PPO", "MACDEXT") for m in range(14)]


@pytest.mark.parametrize("name,matype", MATYPE_CASES)
def test_ma_types_bit_identical_to_talib(name, matype, real_candles):
    """TA-Lib's FMA build leaves the WMA family's steps unfused: the FMA module's copies of
    those helpers (``@unfused``) are not contracted, so MA/APO/PPO/MACDEXT equal TA-Lib to
    the last bit for every MA type, in the function and DataFrame forms (MAMA's Hilbert
    chain fuses as TA-Lib's, see kernels/indicators/cycle.py)."""
    assert real_candles
    kwargs = {"MA": dict(timeperiod=30, matype=matype),
              "APO": dict(fastperiod=12, slowperiod=26, matype=matype),
              "PPO": dict(fastperiod=12, slowperiod=26, matype=matype),
              "MACDEXT": dict(fastmatype=matype, slowmatype=matype, signalmatype=matype)}[name]
    for pair, frame in list(real_candles.items())[:3]:
        close = frame["close"].to_numpy(np.float64)
        got = _tuple(getattr(ta, name)(close, **kwargs))
        ref = _tuple(getattr(talib, name)(close, **kwargs))
        by_frame = getattr(ta, name)(frame.reset_index(drop=True), **kwargs)
        for g, r, f in zip(got, ref, np.asarray(by_frame).reshape(len(close), -1).T):
            assert np.array_equal(g, r, equal_nan=True), (name, matype, pair)
            assert np.array_equal(f, r, equal_nan=True), (name, matype, pair, "frame")


@pytest.mark.parametrize("types", [(2, 6, 1), (8, 2, 3), (9, 1, 7), (2, 9, 4)])
def test_macdext_with_mixed_ma_types_bit_identical(types, real_candles):
    """A WMA or Hull MA next to fused types in one MACDEXT call: each line rounds as TA-Lib's
    (the whole call once ran the portable kernels, ~1e-28 off TA-Lib near zero)."""
    fast, slow, signal = types
    kwargs = dict(fastperiod=12, fastmatype=fast, slowperiod=26, slowmatype=slow,
                  signalperiod=9, signalmatype=signal)
    for pair, frame in list(real_candles.items())[:2]:
        close = frame["close"].to_numpy(np.float64)
        for g, r in zip(ta.MACDEXT(close, **kwargs), talib.MACDEXT(close, **kwargs)):
            assert np.array_equal(g, r, equal_nan=True), (types, pair)


@pytest.mark.parametrize("name", ["STOCH", "STOCHF", "STOCHRSI", "BBANDS"])
def test_ma_type_slots_of_other_functions_bit_identical(name, real_candles):
    """Their MA lines (and BBANDS' upper band with unequal deviations) fuse as TA-Lib's FMA
    build does, for every MA type; their other steps (RSI in STOCHRSI) stay unfused."""
    assert real_candles
    for pair, frame in list(real_candles.items())[:2]:
        h, low, c = (frame[k].to_numpy(np.float64) for k in ("high", "low", "close"))
        for m in range(14):
            if name == "STOCH":
                args, kw = (h, low, c), dict(slowk_matype=m, slowd_matype=m)
            elif name == "STOCHF":
                args, kw = (h, low, c), dict(fastd_matype=m)
            elif name == "STOCHRSI":
                args, kw = (c,), dict(fastd_matype=m)
            else:
                args, kw = (c,), dict(nbdevup=1.5, nbdevdn=2.5, matype=m)
            for g, r in zip(getattr(ta, name)(*args, **kw), getattr(talib, name)(*args, **kw)):
                assert np.array_equal(g, r, equal_nan=True), (name, m, pair)


def test_t3_any_volume_factor_bit_identical(real_candles):
    """T3's coefficients are unfused products in TA-Lib's FMA build (one vfactor in ten
    was a few ulps off while c3 fused)."""
    rng = np.random.default_rng(12)
    close = next(iter(real_candles.values()))["close"].to_numpy(np.float64)
    for v in [0.0, 0.389, 0.7, 1.0, *rng.uniform(0, 1, 40)]:
        for period in (2, 5):
            assert np.array_equal(ta.T3(close, timeperiod=period, vfactor=v),
                                  talib.T3(close, timeperiod=period, vfactor=v),
                                  equal_nan=True), (v, period)
