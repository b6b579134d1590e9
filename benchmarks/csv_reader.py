"""The CSV reader: pandas' C reader (glassnet's now) against the stdlib csv
reader with a float() per cell (glassnet 0.1's hand-written load_csv), and
train/predict on a very wide file.

    python -m benchmarks.csv_reader            # prints the figures in docs/cli.md

Files: a diamonds-sized table (54,000 rows × 10 numeric columns) and a wide
one (20 rows × 100,000 columns). Medians of 3 runs of the process's CPU time
(time.process_time: on a shared machine, wall time measures the neighbours).
"""

from __future__ import annotations

import csv
import os
import statistics
import tempfile
import time

import numpy as np


def stdlib_reader(path: str) -> np.ndarray:
    """glassnet 0.1's way: csv.reader, then float() per cell."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [fields for fields in csv.reader(handle) if fields]
    return np.array([[float(v) for v in row] for row in rows[1:]])


def glassnet_reader(path: str) -> np.ndarray:
    """read_table (pandas', or the csv module's above 2,000 columns), then numbers."""
    from glassnet.tools.columns import plain_numbers
    from glassnet.tools.readers import read_table

    return plain_numbers(read_table(path).columns)


def _write(path: str, rows: int, columns: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(rows, columns)) * 100, 2)
    X[:, -1] = (X[:, 0] > 0).astype(int)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"c{j}" for j in range(columns - 1)] + ["y"])
        writer.writerows(X.tolist())


def _median(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    from glassnet.tools import tabular

    with tempfile.TemporaryDirectory() as tmp:
        tall, wide = os.path.join(tmp, "tall.csv"), os.path.join(tmp, "wide.csv")
        _write(tall, 54_000, 10)
        _write(wide, 20, 100_000)
        print("| file | stdlib csv + float() per cell (0.1) | read_table + numbers (now) |")
        print("|---|---|---|")
        for name, path in (("54,000 × 10", tall), ("20 × 100,000", wide)):
            a = _median(lambda p=path: stdlib_reader(p))
            b = _median(lambda p=path: glassnet_reader(p))
            print(f"| {name} | {a:.2f} s | {b:.2f} s |")
        start = time.process_time()
        net, _ = tabular.train_table(wide, "y", epochs=2, validation_split=0)
        trained = time.process_time() - start
        start = time.process_time()
        tabular.predict_table(net, wide)
        predicted = time.process_time() - start
        print(f"\n20 × 100,000: train (2 epochs) {trained:.1f} s, predict {predicted:.1f} s")


if __name__ == "__main__":
    main()
