"""``python -m benchmarks.predict_ab [rounds]``: predict now against the predict of
before issue 11 (forward through the layers' shared work arrays, then copied out),
round robin in one process, at benchmarks/scaling.py's sizes. Only the ratio means
anything on a shared machine."""

import statistics
import sys
import time

import numpy as np

import glassnet as gn
from benchmarks.scaling import _data, _net
from glassnet.predicting import PREDICT_CHUNK_BYTES


def old_predict(net, X):
    X = net._check_X(X)
    widest = max(layer.n_units for layer in net.layers)
    chunk_rows = max(1, PREDICT_CHUNK_BYTES // (widest * net.dtype.itemsize))
    a = np.empty((X.shape[0], net.n_outputs), dtype=net.dtype)
    for start in range(0, X.shape[0], chunk_rows):
        rows = slice(start, start + chunk_rows)
        a[rows] = net.forward(X[rows])
    return a

def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def main(rounds: int = 15) -> None:
    X, _ = _data()
    net, big, one = _net(256), np.tile(X, (4, 1)), X[:1]
    tiny = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    Xt = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]], float)
    assert np.array_equal(old_predict(net, big), net.predict(big))
    cases = {
        "per row, 16384 rows (ns)": (big, net, 1e9 / len(big), 1),
        "one row (µs)": (one, net, 1e6, 200),
        "tutorial 4-3-1, 3 rows (µs)": (Xt, tiny, 1e6, 200),
    }
    for name, (data, n, scale, inner) in cases.items():
        t = {"old": [], "new": []}
        for _ in range(rounds):
            for which, f in (("old", lambda n=n, data=data: old_predict(n, data)),
                             ("new", lambda n=n, data=data: n.predict(data))):
                f()
                t[which].append(statistics.median(timed(f) for _ in range(inner)) * scale)
        o, w = statistics.median(t["old"]), statistics.median(t["new"])
        print(f"{name}: old {o:.1f}  new {w:.1f}  new/old {w / o:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
