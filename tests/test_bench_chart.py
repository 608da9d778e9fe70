"""``ftaccel bench --png``: the optional matplotlib chart of the speed ratios."""

from __future__ import annotations

import struct
import sys

import pytest

from ftaccel import bench
from ftaccel.__main__ import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])  # IHDR width, height


def test_chart_writes_one_bar_per_ratio(tmp_path):
    rows = [{"function": "SMA", "compiled_s": 1.0, "numpy_s": 2.0, "reference_s": 3.0},
            {"function": "calculate_cagr", "size": 100, "ftaccel_s": 2.0, "reference_s": 1.0}]
    assert bench.ratios(rows) == {"SMA": 3.0, "calculate_cagr (100)": 0.5}
    bench.chart(rows, tmp_path / "two.png")
    bench.chart(rows * 20 + [{"function": f"f{i}", "ratio": i + 1.0} for i in range(40)],
                tmp_path / "many.png")
    (w2, h2), (w40, h40) = png_size(tmp_path / "two.png"), png_size(tmp_path / "many.png")
    assert w2 == w40 == 900 and h40 > h2  # taller with more bars


def test_chart_refuses_nothing_to_draw(tmp_path):
    with pytest.raises(ValueError, match="no ratios"):
        bench.chart([], tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_missing_matplotlib_is_a_clear_error_before_benchmarking(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    monkeypatch.setattr(bench, "bench", lambda **kw: pytest.fail("benchmark ran"))
    with pytest.raises(ImportError, match=r"ftaccel\[chart\]"):
        bench.require_matplotlib()
    assert main(["bench", "--png", str(tmp_path / "b.png")]) == 2
    err = capsys.readouterr().err
    assert "matplotlib" in err and "ftaccel[chart]" in err
    assert not (tmp_path / "b.png").exists()


@pytest.mark.slow
def test_bench_cli_writes_the_png(tmp_path, capsys):
    out = tmp_path / "bench.png"
    assert main(["bench", "--size", "2000", "--repeat", "1", "--png", str(out),
                 "--json", str(tmp_path / "b.json")]) == 0
    width, height = png_size(out)
    assert width == 900 and height > 1000  # every indicator, metric and backtest row
