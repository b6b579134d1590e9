"""Peak memory of one 784-512-256-10 training epoch, one contender per process.

``python -m benchmarks.memory CONTENDER N_ROWS`` imports everything, allocates
the data, resets the peak resident set size and reads it (``ru_maxrss``) as the baseline,
trains one epoch and prints, as JSON, how far the peak rose above that baseline:
the memory training adds over the data.
"""

from __future__ import annotations

import json
import resource
import sys


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def reset_peak() -> None:
    """Forget the peak so far (imports, building the data), so that ru_maxrss
    starts again from the current resident size (Linux ≥ 4.0: clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main(argv: list[str]) -> None:
    contender, n_rows = argv[0], int(argv[1])
    import sklearn.neural_network  # noqa: F401  (imported before the baseline, like torch)
    import torch  # noqa: F401

    from benchmarks import cases

    X, labels = cases.wide_data(n_rows)
    train = cases.mlp_contenders(cases.WIDE_SIZES, (X, labels, None, None), 1, 128, 0.01, "sgd")
    fit = train[contender]
    reset_peak()
    baseline = peak_mib()
    fit()
    print(json.dumps({"contender": contender, "added_mib": peak_mib() - baseline,
                      "baseline_mib": baseline}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
