"""Prediction in bounded memory, on any number of threads at once.

``net.predict(X)`` is :meth:`~glassnet.Network.forward` without its side effects:
each layer's :meth:`~glassnet.Layer.infer` computes z and a while keeping nothing on
the layer, so several threads may predict with one network at once (training keeps
x, z, a and δ on the layers for backward; prediction needs none of them). Two
economies, neither of them math:

- **chunks**: X goes through in chunks of rows whose widest activation stays under
  ``PREDICT_CHUNK_BYTES``, so a million rows need no more memory than a few thousand;
- **scratch**: the hidden Dense layers of a large pass write into arrays kept per
  thread and per network (re-used while the batch fits), so predicting batch after
  batch allocates only the result.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

import numpy as np

from glassnet import shaped
from glassnet.layers import Dense

if TYPE_CHECKING:
    from glassnet.network import Network

#: ``predict`` works through the data in chunks whose widest activation stays under this
PREDICT_CHUNK_BYTES = 32 * 2**20
#: per thread: network → one scratch array per hidden Dense layer, for predict
_SCRATCH = threading.local()
#: passes whose first layer has fewer numbers than this allocate instead (it costs less)
_SCRATCH_FROM = 2**16


def _scratch(net: Network, n_rows: int) -> list[np.ndarray | None]:
    """This thread's scratch for ``net``: per layer, an array of at least ``n_rows`` rows
    for a hidden Dense layer (a larger batch makes new ones), None for the others and
    the last. Per thread, so predict is re-entrant; weakly keyed, so it goes with the
    network."""
    by_net = getattr(_SCRATCH, "by_net", None)
    if by_net is None:
        by_net = _SCRATCH.by_net = weakref.WeakKeyDictionary()
    rows, arrays = by_net.get(net, (0, []))
    if rows < n_rows or len(arrays) != len(net.layers):
        hidden = [
            np.empty((n_rows, layer.n_units), dtype=net.dtype) if isinstance(layer, Dense) else None
            for layer in net.layers[:-1]
        ]
        arrays = [*hidden, None]
        by_net[net] = (n_rows, arrays)
    return arrays


def forward_in_chunks(
    net: Network, X: np.ndarray, chunk_rows: int | None = None, keep_z: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Output a (and, if ``keep_z``, the last pre-activation z), chunk by chunk.

    Through :meth:`~glassnet.Layer.infer`, which keeps nothing on the layers: threads
    may call this on one network at once (``predict``, ``evaluate``).
    """
    if shaped.is_shaped(net.layers):  # N-D samples: sizes follow the data
        widest, out_shape = shaped.widest_and_output(net.layers, X.shape[1:])
    else:
        widest, out_shape = max(layer.n_units for layer in net.layers), (net.n_outputs,)
    if chunk_rows is None:
        chunk_rows = max(1, PREDICT_CHUNK_BYTES // (widest * net.dtype.itemsize))
    if X.shape[0] <= chunk_rows:
        z, a = _infer(net, X, keep_z)
        # a network of Dropout layers alone hands X back: never return the input itself
        return (a.copy() if np.may_share_memory(a, X) else a), z
    a = np.empty((X.shape[0], *out_shape), dtype=net.dtype)
    z = np.empty_like(a) if keep_z else None
    for start in range(0, X.shape[0], chunk_rows):
        rows = slice(start, start + chunk_rows)
        z_rows, a[rows] = _infer(net, X[rows], keep_z)
        if z is not None:
            z[rows] = z_rows
    return a, z


def _infer(net: Network, X: np.ndarray, keep_z: bool) -> tuple[np.ndarray | None, np.ndarray]:
    """One inference pass; the hidden Dense layers of a large pass write into this
    thread's own scratch, the last layer into a new array (the result)."""
    n, first, last = X.shape[0], net.layers[0], len(net.layers) - 1
    # small passes (NumPy's cache is faster) and N-D layers allocate
    large = isinstance(first, Dense) and n * first.n_units >= _SCRATCH_FROM
    scratch: list[np.ndarray | None] = [None] * len(net.layers)  # each layer allocates
    if large and not shaped.is_shaped(net.layers):
        scratch = _scratch(net, n)
    a, z = X, None
    for i, (layer, buffer) in enumerate(zip(net.layers, scratch)):
        z, a = layer.infer(a, keep_z and i == last, out=None if buffer is None else buffer[:n])
    return z, a
