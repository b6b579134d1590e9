"""Export a trained network as a standalone ``predict.py`` that needs only NumPy.

For people who must ship a model where glassnet cannot be installed. The
script holds the architecture, the weights (embedded as base64 ``.npz`` bytes,
or in a ``.npz`` file beside it), the feature scaling and the class names from
the model's ``metadata``, and the forward pass::

    X ← (X − feature_mean) / feature_scale      if the metadata has a scaling
    a⁽⁰⁾ = X,   a⁽ˡ⁾ = f(a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾)      Dropout layers are the identity
    ŷ ← a⁽ᴸ⁾ · target_scale + target_mean        if the targets were standardised

Each activation's ``forward`` is copied from glassnet's own source and the
rows are processed in the same chunks as :meth:`Network.predict`, so the
script's ``predict(X)`` equals ``net.predict(scale_features(X, metadata))``
(then ``unscale_targets(…, metadata)`` for a standardised target) bit for bit.
It also offers ``predict_labels(X)`` (class names, when the metadata has
``class_names``) and a command line: ``python predict.py data.csv``.

>>> import glassnet as gn, tempfile, os
>>> net = gn.Network([gn.Dense(2, 1)], seed=0)
>>> script = export_script(net, os.path.join(tempfile.mkdtemp(), "predict.py"))
>>> os.path.basename(script)
'predict.py'
"""

from __future__ import annotations

import base64
import inspect
import io
import os
import textwrap
from typing import Any

import numpy as np

from glassnet import network as network_module
from glassnet._files import atomic_write
from glassnet.layers import Dense, Dropout
from glassnet.network import Network
from glassnet.tools.saving import load

_TEMPLATE = '''\
"""Standalone predictor for a glassnet network; needs only NumPy (no glassnet).

Exported by glassnet {version}.  Network: {widths}  ({dtype})

    from predict import predict, predict_labels
    outputs = predict(X)          # X: (n_samples, {n_inputs}) raw features
    python {script_name} data.csv [--outputs]   # CSV in, CSV out

predict(X) applies the feature scaling (if any), then the layers:
z = x W + b,  a = f(z); then undoes the target scaling (if any).
"""

import base64
import csv
import io
import os
import sys

import numpy as np

DTYPE = np.{dtype}
N_INPUTS = {n_inputs}
#: rows are processed in chunks whose widest activation stays under this many bytes
CHUNK_BYTES = {chunk_bytes}
FEATURE_NAMES = {feature_names!r}
CLASS_NAMES = {class_names!r}
TARGET_NAME = {target_name!r}
FEATURE_MEAN = {feature_mean!r}
FEATURE_SCALE = {feature_scale!r}
TARGET_MEAN = {target_mean!r}
TARGET_SCALE = {target_scale!r}
#: (type, activation, activation config, n_inputs, n_units, use_bias) per layer
LAYERS = {layers!r}

{weights_source}


# -- activations: forward(z), copied from glassnet -------------------------------
{activation_source}


def _build():
    """Views W, b into the flat parameter vector, in glassnet's storage order."""
    params = _load_params()
    built, offset = [], 0
    for kind, name, config, n_in, n_out, use_bias in LAYERS:
        if kind != "Dense":
            continue  # Dropout is the identity when predicting
        W = params[offset : offset + n_in * n_out].reshape(n_in, n_out)
        offset += n_in * n_out
        b = None
        if use_bias:
            b = params[offset : offset + n_out]
            offset += n_out
        built.append((W, b, ACTIVATIONS[name](**config)))
    return built


_LAYERS = _build()


def _forward(x):
    for W, b, activation in _LAYERS:
        z = x @ W
        if b is not None:
            z += b
        x = activation.forward(z)
    return x


def predict(X):
    """Network outputs for raw features X (n_samples, {n_inputs}): (n_samples, {n_outputs})."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1 and N_INPUTS == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[1] != N_INPUTS:
        raise ValueError(f"X must have shape (n_samples, {{N_INPUTS}}), but has {{X.shape}}.")
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"every feature must be a finite number, but row {{row + 1}}, column {{col + 1}} "
            f"holds {{X[row, col]}} ({{int(bad.sum())}} such value(s) in all)."
        )
    if FEATURE_MEAN is not None:
        X = (X - np.asarray(FEATURE_MEAN, dtype=np.float64)) / np.asarray(
            FEATURE_SCALE, dtype=np.float64
        )
    X = X.astype(DTYPE, copy=False)
    widest = max(n_out for *_, n_out, _ in LAYERS)
    chunk_rows = max(1, CHUNK_BYTES // (widest * np.dtype(DTYPE).itemsize))
    if X.shape[0] <= chunk_rows:
        out = _forward(X).copy()
    else:
        out = np.empty((X.shape[0], {n_outputs}), dtype=DTYPE)
        for start in range(0, X.shape[0], chunk_rows):
            out[start : start + chunk_rows] = _forward(X[start : start + chunk_rows])
    if TARGET_MEAN is not None:
        out = np.asarray(out, dtype=np.float64) * np.asarray(
            TARGET_SCALE, dtype=np.float64
        ) + np.asarray(TARGET_MEAN, dtype=np.float64)
    return out


def predict_labels(X):
    """Class names (or indices): argmax over the outputs, or output >= 0.5 for one output."""
    outputs = predict(X)
    index = (outputs[:, 0] >= 0.5).astype(int) if outputs.shape[1] == 1 else outputs.argmax(1)
    return index if CLASS_NAMES is None else np.asarray(CLASS_NAMES)[index]


def _read_csv(path):
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    try:
        [float(v) for v in rows[0]]
    except ValueError:
        header, rows = rows[0], rows[1:]
        if FEATURE_NAMES is not None:
            missing = [n for n in FEATURE_NAMES if n not in header]
            if missing:
                raise SystemExit(f"{{path}}: missing feature column(s) {{missing}}")
            columns = [header.index(n) for n in FEATURE_NAMES]
            rows = [[row[i] for i in columns] for row in rows]
    return np.array(rows, dtype=np.float64)


def _output_names(n_outputs):
    """Column names of the outputs, as ``glassnet predict`` names them."""
    if CLASS_NAMES is not None:  # probabilities; one sigmoid output is P(second class)
        return [f"P({{name}})" for name in CLASS_NAMES[len(CLASS_NAMES) - n_outputs :]]
    if n_outputs == 1 and TARGET_NAME is not None:
        return [TARGET_NAME]
    return [f"output_{{j}}" for j in range(n_outputs)]


def main(argv):
    if len(argv) < 1:
        raise SystemExit("usage: python {script_name} data.csv [--outputs]")
    try:
        X = _read_csv(argv[0])
        if CLASS_NAMES is not None and "--outputs" not in argv:
            rows = [[TARGET_NAME or "prediction"]] + [[label] for label in predict_labels(X)]
        else:
            outputs = predict(X)
            rows = [_output_names(outputs.shape[1])]
            rows += [[repr(float(v)) for v in row] for row in outputs]
    except ValueError as exc:  # a cell that is not a finite number
        raise SystemExit(f"{{argv[0]}}: {{exc}}") from None
    csv.writer(sys.stdout, lineterminator="\\n").writerows(rows)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
'''

_EMBEDDED = '''\
_WEIGHTS = (
{chunks}
)


def _load_params():
    with np.load(io.BytesIO(base64.b64decode(_WEIGHTS)), allow_pickle=False) as data:
        return data["params"]'''

_BESIDE = '''\
_WEIGHTS_FILE = {filename!r}


def _load_params():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), _WEIGHTS_FILE)
    with np.load(path, allow_pickle=False) as data:
        return data["params"]'''


def _activation_source(activation: Any) -> str:
    """A minimal class with the activation's own ``forward`` method."""
    forward = textwrap.dedent(inspect.getsource(type(activation).forward)).rstrip() + "\n"
    return (
        f"class {type(activation).__name__}:\n"
        f"    def __init__(self, **config):\n"
        f"        self.__dict__.update(config)\n\n"
        + textwrap.indent(forward, "    ")
    )


def _layer_rows(net: Network) -> list[tuple]:
    rows: list[tuple] = []
    for layer in net.layers:
        if isinstance(layer, Dense):
            act = layer.activation
            rows.append(
                ("Dense", act.name, act.get_config(), layer.n_inputs, layer.n_units, layer.use_bias)
            )
        elif isinstance(layer, Dropout):
            rows.append(("Dropout", None, {}, layer.n_inputs, layer.n_units, False))
        else:
            raise TypeError(
                f"export_script knows Dense and Dropout layers, but the network has "
                f"{type(layer).__name__}."
            )
    return rows


def _floats(values: Any, name: str, n: int) -> list[float] | None:
    if values is None:
        return None
    values = [float(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
    if len(values) != n:
        side = "outputs" if name.startswith("target") else "inputs"
        raise ValueError(
            f"metadata {name} has {len(values)} value(s), but the network has {n} {side}."
        )
    return values


def export_script(
    net_or_path: Network | str | os.PathLike, path: str | os.PathLike, *, embed: bool = True
) -> str:
    """Write a standalone NumPy-only ``predict.py`` for a network or a saved model file.

    ``embed=True`` puts the weights in the script as base64; ``embed=False``
    writes them to ``<script stem>.npz`` beside it. Both files are written
    atomically. Returns the script's path.
    """
    net = net_or_path if isinstance(net_or_path, Network) else load(net_or_path)
    from glassnet._version import __version__

    metadata = getattr(net, "metadata", {}) or {}
    scaled = "feature_mean" in metadata and "feature_scale" in metadata
    targets_scaled = "target_mean" in metadata and "target_scale" in metadata
    buffer = io.BytesIO()
    np.savez(buffer, params=net.params)
    path = os.fspath(path)
    if embed:
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        chunks = "\n".join(f'    "{encoded[i : i + 96]}"' for i in range(0, len(encoded), 96))
        weights_source = _EMBEDDED.format(chunks=chunks)
    else:
        weights_file = os.path.splitext(os.path.basename(path))[0] + ".npz"
        with atomic_write(os.path.join(os.path.dirname(os.path.abspath(path)), weights_file)) as f:
            f.write(buffer.getvalue())
        weights_source = _BESIDE.format(filename=weights_file)

    used = {layer.activation.name: layer.activation for layer in net.dense_layers}
    table = ", ".join(f"{name!r}: {type(act).__name__}" for name, act in used.items())
    activation_source = "\n\n".join(_activation_source(act) for act in used.values())
    activation_source += f"\n\n\nACTIVATIONS = {{{table}}}"
    class_names = metadata.get("class_names")
    feature_names = metadata.get("feature_names")
    text = _TEMPLATE.format(
        version=__version__,
        widths=" → ".join([str(net.n_inputs)] + [str(layer.n_units) for layer in net.layers]),
        dtype=net.dtype.name,
        n_inputs=net.n_inputs,
        n_outputs=net.n_outputs,
        script_name=os.path.basename(path),
        chunk_bytes=network_module.PREDICT_CHUNK_BYTES,
        feature_names=None if feature_names is None else [str(n) for n in feature_names],
        class_names=None if class_names is None else [str(n) for n in class_names],
        target_name=None if metadata.get("target_name") is None else str(metadata["target_name"]),
        feature_mean=_floats(metadata.get("feature_mean"), "feature_mean", net.n_inputs)
        if scaled else None,
        feature_scale=_floats(metadata.get("feature_scale"), "feature_scale", net.n_inputs)
        if scaled else None,
        target_mean=_floats(metadata.get("target_mean"), "target_mean", net.n_outputs)
        if targets_scaled else None,
        target_scale=_floats(metadata.get("target_scale"), "target_scale", net.n_outputs)
        if targets_scaled else None,
        layers=_layer_rows(net),
        weights_source=weights_source,
        activation_source=activation_source,
    )
    with atomic_write(path, "w") as f:
        f.write(text)
    return path
