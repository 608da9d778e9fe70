"""Command line: ``python -m ftaccel info | bench | verify``."""

from __future__ import annotations

import argparse
import json
import sys


def _print_info(as_json: bool) -> None:
    import ftaccel

    data = ftaccel.info()
    if as_json:
        print(json.dumps(data, indent=2, default=str))
        return
    print(f"ftaccel {data['version']}  (strict mode: {'on' if data['strict'] else 'off'})")
    for name, fam in data["families"].items():
        print(f"\n[{name}] backend: {fam['backend']}")
        print(f"  reason: {fam['reason']}")
        if fam["compiled_module"]:
            print(f"  module: {fam['compiled_module']}")
        build = fam["build"]
        if build:
            print(f"  built with numba {build.get('numba')} / numpy {build.get('numpy')}, "
                  f"target CPU {build.get('target_cpu')!r} ({build.get('platform')})")
            kernels = build.get("kernels", [])
            print(f"  kernels ({len(kernels)}): {', '.join(kernels)}")
        if fam.get("fma"):
            print(f"  FMA module: {fam['fma']}")
            if fam.get("fma_module"):
                print(f"    {fam['fma_module']}: {', '.join(fam['fma_kernels'])}")
        if fam["failures"]:
            print(f"  failures: {fam['failures']}  disabled: {fam['disabled']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ftaccel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_info = sub.add_parser("info", help="backends, reasons and build metadata")
    p_info.add_argument("--json", action="store_true", help="print JSON")
    p_bench = sub.add_parser("bench", help="speed ratios vs the references, generated candles")
    p_bench.add_argument("--size", type=int, default=1_000_000, help="candles (default 1e6)")
    p_bench.add_argument("--repeat", type=int, default=5,
                         help="timing repeats (best of; cold start: median of)")
    p_bench.add_argument("--family", choices=("indicators", "metrics"),
                         help="indicators: every TA-Lib function at --size and 500 candles, "
                              "the qtpylib helpers and the sample strategy's indicators; "
                              "metrics: every freqtrade.data.metrics function at 100, 1,000 "
                              "and 100,000 trades and 10/100 pairs of 10,000 candles")
    p_bench.add_argument("--freqtrade-backtest", type=int, default=0, metavar="CANDLES",
                         help="also time Freqtrade's backtest loop on CANDLES generated "
                              "candles (4 pairs) against ftaccel.backtest (needs freqtrade), "
                              "and on the shared pairs of --data-dir at max_open_trades 1, 3 "
                              "and unlimited")
    p_bench.add_argument("--backtest-scale", type=int, default=0, metavar="PAIRS",
                         help="also time ftaccel.backtest alone on PAIRS generated pairs of "
                              "100,000 candles")
    p_bench.add_argument("--sweep", type=int, default=0, metavar="SETS",
                         help="also time ftaccel.backtest.sweep of SETS parameter sets on 1, 2 "
                              "and all CPU threads over the *-5m.feather pairs of "
                              "--data-dir")
    p_bench.add_argument("--data-dir", metavar="DIR",
                         help="Freqtrade candle files for --sweep and --freqtrade-backtest "
                              "(default $FTACCEL_DATA_DIR;"
                              " generated pairs when neither is set)")
    p_bench.add_argument("--cold-start", action="store_true",
                         help="process start -> first result in fresh processes: compiled "
                              "modules vs numba JIT vs TA-Lib vs importing numpy/pandas")
    p_bench.add_argument("--json", metavar="PATH", help="write the rows and ratios as JSON")
    p_bench.add_argument("--csv", metavar="PATH", help="write the rows as CSV")
    p_bench.add_argument("--png", metavar="PATH",
                         help="write the ratios as a PNG bar chart (needs matplotlib: the "
                              "'chart' extra)")
    p_bench.add_argument("--compare", metavar="BASELINE",
                         help="a JSON written by --json: exit 1 naming each function whose "
                              "ratio fell by more than --threshold")
    p_bench.add_argument("--threshold", type=float, default=0.25,
                         help="allowed fall of a ratio for --compare (fraction, default 0.25)")
    p_verify = sub.add_parser("verify", help="compiled vs fallback vs reference, generated data")
    p_verify.add_argument("--size", type=int, default=5_000, help="candles (default 5000)")
    args = parser.parse_args(argv)

    if args.command == "info":
        _print_info(args.json)
        return 0
    from . import bench

    if args.command == "bench" and args.cold_start:
        from . import coldstart

        coldstart.cold_start(repeat=args.repeat)
        return 0
    if args.command == "bench":
        if args.png:  # before minutes of benchmarking, not after
            try:
                bench.require_matplotlib()
            except ImportError as exc:
                print(f"ftaccel bench: {exc}", file=sys.stderr)
                return 2
        if args.family == "metrics":
            rows = bench.bench_metrics(repeat=args.repeat)
        elif args.family == "indicators":
            rows = bench.bench_indicators(repeat=args.repeat, big=args.size)
        else:
            rows = bench.bench(size=args.size, repeat=args.repeat)
        if args.freqtrade_backtest:
            bench.bench_vs_freqtrade(size=args.freqtrade_backtest)
            bench.bench_vs_freqtrade_shared(args.data_dir, repeat=args.repeat)
        if args.backtest_scale:
            bench.bench_backtest_scale(pairs=args.backtest_scale)
        if args.sweep:
            bench.bench_sweep(count=args.sweep, repeat=args.repeat, data_dir=args.data_dir)
        bench.export(rows, args.json, args.csv)
        if args.png:
            bench.chart(rows, args.png)
        if args.compare:
            return 1 if bench.compare(rows, args.compare, args.threshold) else 0
        return 0
    return 0 if bench.verify(size=args.size) else 1


if __name__ == "__main__":
    sys.exit(main())
