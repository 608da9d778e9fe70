"""Shared fixtures: backends, real Freqtrade candles, generated adversarial series."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

# Tests must see real errors from compiled calls, not the silent fallback.
os.environ.setdefault("FTACCEL_STRICT", "1")

import ftaccel  # noqa: E402
from ftaccel import _backend  # noqa: E402

# CI runs the same examples every time (a red CI blocks landing); local runs explore.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("FTACCEL_DATA_DIR", ROOT.parent / "shared" / "data"))
BACKENDS = ("compiled", "numpy")


def pytest_sessionstart(session):
    """Fail loudly if the compiled modules are missing: the tests would otherwise compare
    the fallback with itself and pass."""
    if os.environ.get("FTACCEL_BACKEND"):
        return
    missing = {name: fam["reason"] for name, fam in ftaccel.info()["families"].items()
               if fam["backend"] != "compiled"}
    if missing:
        raise pytest.UsageError(f"compiled kernels not available: {missing}. "
                                "Build them: pip install -e . (or python build_kernels.py)")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Run the test once per backend, for every family."""
    saved = {f: _backend.family(f).backend for f in _backend.FAMILIES}
    _backend.set_backend(request.param)
    yield request.param
    for f, b in saved.items():
        _backend.family(f).set(b)


def real_pairs() -> list[Path]:
    files = sorted(DATA_DIR.glob("*-5m.feather")) + sorted(DATA_DIR.glob("*-30m.feather"))
    if not files:
        raise FileNotFoundError(f"no Freqtrade candles under {DATA_DIR} (set FTACCEL_DATA_DIR)")
    return files


def load_candles(path: Path) -> pd.DataFrame:
    return pd.read_feather(path)


@pytest.fixture(scope="session")
def real_candles() -> dict[str, pd.DataFrame]:
    return {p.stem: load_candles(p) for p in real_pairs()}


def adversarial_series(seed: int, n: int = 400) -> dict[str, np.ndarray]:
    """Price-like series with leading NaNs, NaN holes, flat stretches, spikes, zeros."""
    rng = np.random.default_rng(seed)
    base = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    leading = base.copy()
    leading[:17] = np.nan
    holes = base.copy()
    holes[rng.integers(30, n, 4)] = np.nan
    flat = base.copy()
    flat[50:120] = flat[50]
    spikes = base.copy()
    spikes[rng.integers(0, n, 6)] *= rng.choice([0.2, 5.0, 50.0], 6)
    tiny = base * 1e-9
    zeros = np.where(rng.random(n) < 0.2, 0.0, base)
    return {"plain": base, "leading_nan": leading, "nan_holes": holes, "flat": flat,
            "spikes": spikes, "tiny": tiny, "zeros": zeros}
