"""Comparison helpers for the tests."""

import os
import subprocess
import sys
import textwrap

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def assert_same_nan(actual, expected, what=""):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    diff = np.flatnonzero(np.isnan(actual) != np.isnan(expected))
    assert diff.size == 0, f"{what}: NaN positions differ first at {diff[:5]}"


def assert_close(actual, expected, rtol=1e-9, what="", scale=0.0):
    """Same NaN positions and values within ``rtol`` relative (with an absolute floor of
    ``rtol`` times the series' scale, for values that cross zero; ``scale`` raises that
    scale to an output's natural range, e.g. 100 for an oscillator bounded by ±100)."""
    assert_same_nan(actual, expected, what)
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(actual), finite), f"{what}: inf positions differ"
    assert np.array_equal(actual[~finite & ~np.isnan(expected)],
                          expected[~finite & ~np.isnan(expected)]), f"{what}: infs differ"
    if finite.any():
        scale = max(np.max(np.abs(expected[finite])), scale)
        np.testing.assert_allclose(actual[finite], expected[finite], rtol=rtol,
                                   atol=rtol * scale, err_msg=what)


def run_python(code: str, drop: str = "FTACCEL_", **env) -> str:
    """Run ``code`` in a fresh interpreter from the checkout, with the environment minus
    variables starting with ``drop`` plus ``env``; its stdout (it must exit 0)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    full_env.update(env)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, env=full_env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout
