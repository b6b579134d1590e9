"""``python -m benchmarks [--quick | --full] [--no-write]``

Round-robin in one process after a warm-up: every contender runs once per
round, rounds repeat, and the median of each contender's times is reported.
Only ratios measured in the same run mean anything on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: Environment variables that force a slower OpenBLAS kernel; unset for our own processes
SLOWING_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
ROOT = Path(__file__).resolve().parent.parent


def round_robin(contenders: dict, repeats: int) -> dict:
    """{name: {"times": [...], "median": s, "result": last return value}}."""
    for fit in contenders.values():  # warm-up: imports, first-touch memory, BLAS threads
        fit()
    out = {name: {"times": [], "results": []} for name in contenders}
    for _ in range(repeats):
        for name, fit in contenders.items():
            start = time.perf_counter()
            out[name]["results"].append(fit())
            out[name]["times"].append(time.perf_counter() - start)
            out[name]["result"] = out[name]["results"][-1]
    for entry in out.values():
        entry["median"] = statistics.median(entry["times"])
    return out


def memory_added(contender: str, n_rows: int) -> float:
    """MiB the training epoch adds to the peak RSS, measured in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", contender, str(n_rows)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout.strip().splitlines()[-1])["added_mib"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    mode.add_argument("--full", action="store_true", help="the sizes of issue 5 (default)")
    parser.add_argument("--no-write", action="store_true",
                        help="print only (--quick never writes: docs/ holds a --full run)")
    parser.add_argument("--keep-env", action="store_true",
                        help=f"do not unset {', '.join(SLOWING_ENV)}")  # fmt: skip
    args = parser.parse_args(argv)

    if not args.keep_env and any(k in os.environ for k in SLOWING_ENV):
        # OpenBLAS reads these when it loads, so rerun ourselves without them
        env = {k: v for k, v in os.environ.items() if k not in SLOWING_ENV}
        env["GLASSNET_BENCH_UNSET"] = " ".join(
            f"{k}={os.environ[k]}" for k in SLOWING_ENV if k in os.environ
        )
        cmd = [sys.executable, "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])]
        sys.exit(subprocess.call(cmd, env=env, cwd=ROOT))

    from benchmarks import cases, conv, report, scaling

    quick = args.quick
    sizes = {
        "tiny_epochs": 1000 if quick else 5000,
        "digits_epochs": 5 if quick else 30,
        "wide_rows": 8192 if quick else 60000,
        "repeats": 3 if quick else 5,
    }
    started = time.perf_counter()
    results = {"sizes": sizes}
    # first, while this process is still small: a child inherits the parent's peak RSS
    # through fork + exec (Linux keeps ru_maxrss across execve), which would hide its own
    print("(c) memory of 784-512-256-10, one process each ...", flush=True)
    results["memory"] = {
        name: memory_added(name, sizes["wide_rows"])
        for name in ("glassnet", "lean NumPy", "PyTorch", "scikit-learn")
    }
    print("(a) tutorial 4-3-1 ...", flush=True)
    results["tiny"] = round_robin(cases.tutorial_case(sizes["tiny_epochs"]), sizes["repeats"])
    print("(b) digits ...", flush=True)
    results["digits"] = round_robin(cases.digits_case(sizes["digits_epochs"]), sizes["repeats"])
    print("(d) digits CNN ...", flush=True)
    results["conv"] = conv.run(quick)
    print("(c) 784-512-256-10 ...", flush=True)
    wide = cases.wide_case(sizes["wide_rows"])
    # the GEMM peak is a contender too, so it is measured under the same load
    wide["GEMM peak"] = cases.gemm_gflops
    results["wide"] = round_robin(wide, 3)
    results["peak_gflops"] = statistics.median(results["wide"]["GEMM peak"]["results"])
    results["wide_flops"] = cases.wide_flops(sizes["wide_rows"])
    print("scaling study ...", flush=True)
    results["scaling"] = scaling.run(quick)
    results["seconds"] = time.perf_counter() - started

    text = report.markdown(results, quick) + "\n\n" + conv.markdown(results["conv"])
    print(text)
    if not (args.no_write or quick):
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        scaling.plot(results["scaling"], str(docs / "scaling.png"))
        report.write_atomic(docs / "performance.md", report.document(text))
        print(f"wrote {docs / 'performance.md'} and {docs / 'scaling.png'}")


if __name__ == "__main__":
    main()
