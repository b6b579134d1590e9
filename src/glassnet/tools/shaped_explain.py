"""``glassnet explain`` on a model whose layers read images or sequences (Conv2D,
MaxPool2D, Flatten, RNN, LSTM): the layers' step tables from a CSV file.

The reshape rule: each CSV row is one sample, its values in C order (the order
``X.reshape(len(X), -1)`` writes them, and the exported script reads them), with
the target in its own column. The sample shape is ``--input-shape`` when given,
else the model's ``metadata["input_shape"]``, else read off the first layer:

- ``Conv2D(C, …)`` first: square images, (C, s, s) with s² = columns / C;
- ``RNN(D, …)`` or ``LSTM(D, …)`` first: (T, D) with T = columns / D.

A first ``MaxPool2D`` or ``Flatten`` fixes no shape, so it needs ``--input-shape``.
The target: a network with k > 1 outputs is a classifier, the target column its
class (codes 0 … k − 1, or names sorted as :func:`glassnet.tools.readers.load_csv`
codes them), one-hot coded; with one output the column is the number to fit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import shaped
from glassnet.tools.readers import load_csv
from glassnet.tools.terminal import UsageError, check_writable, note


def input_shape_from(text: str) -> tuple[int, ...]:
    """``--input-shape 1,8,8`` as (1, 8, 8)."""
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise UsageError(f"--input-shape must be whole numbers >= 1 separated by commas "
                         f"(one sample's shape, e.g. 1,8,8), but got {text!r}.")
    return shape


def sample_shape(net: Any, columns: int, given: tuple[int, ...] | None) -> tuple[int, ...]:
    """One sample's shape for CSV rows of ``columns`` values (the module's rule)."""
    first = net.layers[0]
    meta = getattr(net, "metadata", None) or {}
    shape = given or (tuple(meta["input_shape"]) if meta.get("input_shape") else None)
    kind = type(first).__name__
    if shape is None and kind == "Conv2D":
        C = first.in_channels
        side = math.isqrt(columns // C)
        if side < 1 or C * side * side != columns:
            raise UsageError(f"each CSV row holds {columns} values besides the target, not a "
                             f"square image of {C} channel(s) for the first layer {first!r}; "
                             f"give the sample shape: --input-shape {C},H,W.")
        shape = (C, side, side)
    elif shape is None and kind in ("RNN", "LSTM"):
        D = first.n_inputs
        if columns % D:
            raise UsageError(f"each CSV row holds {columns} values besides the target, not a "
                             f"whole number of time steps of {D} features for the first layer "
                             f"{first!r}; give the sample shape: --input-shape T,{D}.")
        shape = (columns // D, D)
    if shape is None:
        raise UsageError(f"the first layer {first!r} fixes no sample shape; give it: "
                         "--input-shape C,H,W (e.g. 1,8,8).")
    if math.prod(shape) != columns:
        raise UsageError(f"--input-shape {','.join(map(str, shape))} holds {math.prod(shape)} "
                         f"values, but each CSV row has {columns} besides the target.")
    shaped.propagate(net.layers, shape)  # a sentence if the layers cannot take it
    return shape


def targets(net: Any, y: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Y as the network's output: one-hot classes for k > 1 outputs, else the numbers."""
    out = shaped.propagate(net.layers, shape)[-1]
    if len(out) != 1:
        raise UsageError(f"the model's output is {out} per sample, which one target column "
                         "cannot hold; trace it from Python: net.trace(X, Y).")
    k = out[0]
    if k == 1:
        return y.reshape(-1, 1).astype(np.float64)
    codes = y.astype(np.int64)
    if not np.array_equal(codes, y) or codes.min() < 0 or codes.max() >= k:
        raise UsageError(f"the model has {k} outputs (classes), so the target column must hold "
                         f"class codes 0 … {k - 1} (or {k} class names), but it holds "
                         f"{np.unique(y)[:5].tolist()}.")
    return np.eye(k)[codes]


def run(net: Any, args: Any) -> None:
    """Print the layer tables of one pass on the first ``--rows`` rows (and the report)."""
    if args.html is not None:
        check_writable(args.html, "the HTML report")
    meta = getattr(net, "metadata", None) or {}
    target = args.target or meta.get("target_name") or -1
    data = load_csv(args.data, target=target)
    given = input_shape_from(args.input_shape) if args.input_shape else None
    shape = sample_shape(net, data.X.shape[1], given)
    X = data.X[: args.rows].reshape(-1, *shape)
    Y = targets(net, np.asarray(data.y)[: args.rows], shape)
    note(f"note: each CSV row is one sample of shape {shape} (its {math.prod(shape)} values "
         f"in C order); the target is column {data.target_name!r}; {len(X)} row(s).")
    lr = args.lr if args.lr is not None else (net.optimizer.lr if net.optimizer else 0.1)
    cell = tuple(args.cell) if args.cell else (0, 0, 0, 0)
    tr = net.trace(X, Y, loss=net.loss or "mse", lr=lr, cell=cell)
    print(f"{' → '.join(tr.network)}; loss {tr.loss_name} = {tr.loss_value:.6g}\n")
    print(tr.to_text(decimals=args.decimals))
    if args.html is not None:
        tr.to_html(args.html)
        print(f"\nwrote {args.html}")
