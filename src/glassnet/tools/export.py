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
import io
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import predicting, shaped
from glassnet._files import atomic_write, check_not_inputs
from glassnet.network import Network
from glassnet.tools import export_columns, export_shaped
from glassnet.tools.saving import load

_TEMPLATE = '''\
"""Standalone predictor for a glassnet network; needs only NumPy (no glassnet).

Exported by glassnet {version}.  Network: {widths}  ({dtype})

    from predict import predict, predict_labels
    outputs = predict(X)          # X: (n_samples, {n_inputs}) raw features
    python {script_doc} data.csv [--outputs]   # CSV in, CSV out

predict(X) applies the feature scaling (if any), then the layers:
z = x W + b,  a = f(z); then undoes the target scaling (if any).
"""

import base64
import csv
import io
import os
import re
import sys

import numpy as np

SCRIPT_NAME = {script_name!r}
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
#: (type, activation, activation config, n_inputs, n_units, use_bias, options) per layer;
#: options["params"] lists the layer's parameters (name, shape) in storage order
LAYERS = {layers!r}
#: axes of one sample the first layer reads (1: rows of features; None: any)
SAMPLE_RANK = {sample_rank!r}
#: one sample's shape, for the rows of a CSV file (None: each row is one sample's features)
INPUT_SHAPE = {input_shape!r}
#: the preprocessing, one rule per input column (glassnet.tools.columns), or None
COLUMNS = {columns!r}
DELIMITERS = (",", ";", "\\t", "|")

# -- the column rules: glassnet.tools.columns, copied ---------------------------
{columns_source}

{weights_source}


# -- activations: forward(z), copied from glassnet -------------------------------
{activation_source}


def _build():
    """Views of each layer's parameters into the flat vector, in glassnet's storage order."""
    params = _load_params()
    built, offset = [], 0
    for kind, name, config, n_in, n_out, use_bias, options in LAYERS:
        weights = {{}}
        for key, shape in options["params"]:
            size = int(np.prod(shape))
            weights[key] = params[offset : offset + size].reshape(shape)
            offset += size
        activation = None if name is None else ACTIVATIONS[name](**config)
        built.append((kind, weights, activation, options))
    return built


def _dense(x, weights, activation, options):
    z = x @ weights["W"]
    if "b" in weights:
        z += weights["b"]
    return activation.forward(z)


def _identity(x, weights, activation, options):
    return x  # Dropout is the identity when predicting


FORWARD = {{"Dense": _dense, "Dropout": _identity}}

{shaped_source}

_LAYERS = _build()


def _forward(x):
    for kind, weights, activation, options in _LAYERS:
        x = FORWARD[kind](x, weights, activation, options)
    return x


{shapes_source}


def predict(X):
    """Network outputs for raw features X (n_samples, {n_inputs}): (n_samples, {n_outputs})."""
    X = np.asarray(X, dtype=np.float64)
    if SAMPLE_RANK == 1:
        if X.ndim == 1 and N_INPUTS == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[1] != N_INPUTS:
            raise ValueError(f"X must have shape (n_samples, {{N_INPUTS}}), but has {{X.shape}}.")
    shapes = _sample_shapes(X)
    bad = ~np.isfinite(X)
    if bad.any():
        where = np.argwhere(bad)[0]
        place = (
            f"row {{where[0] + 1}}, column {{where[1] + 1}}" if X.ndim == 2
            else f"sample {{where[0] + 1}}, index {{tuple(int(i) for i in where[1:])}}"
        )
        raise ValueError(
            f"every feature must be a finite number, but {{place}} holds {{X[tuple(where)]}} "
            f"({{int(bad.sum())}} such value(s) in all)."
        )
    if FEATURE_MEAN is not None:
        X = (X - np.asarray(FEATURE_MEAN, dtype=np.float64)) / np.asarray(
            FEATURE_SCALE, dtype=np.float64
        )
    X = X.astype(DTYPE, copy=False)
    widest = max(int(np.prod(shape)) for shape in shapes)
    chunk_rows = max(1, CHUNK_BYTES // (widest * np.dtype(DTYPE).itemsize))
    if X.shape[0] <= chunk_rows:
        out = _forward(X).copy()
    else:
        out = np.empty((X.shape[0], *shapes[-1]), dtype=DTYPE)
        for start in range(0, X.shape[0], chunk_rows):
            out[start : start + chunk_rows] = _forward(X[start : start + chunk_rows])
    if TARGET_MEAN is not None:
        out = np.asarray(out, dtype=np.float64) * np.asarray(
            TARGET_SCALE, dtype=np.float64
        ) + np.asarray(TARGET_MEAN, dtype=np.float64)
    return out


def predict_labels(X):
    """Class names (or indices): argmax over the outputs, or output > 0.5 for one output
    (a tie goes to the lower class, as in glassnet predict)."""
    outputs = predict(X)
    if outputs.ndim != 2:
        raise ValueError(f"labels need one row of outputs per sample, not {{outputs.shape}}.")
    index = (outputs[:, 0] > 0.5).astype(int) if outputs.shape[1] == 1 else outputs.argmax(1)
    return index if CLASS_NAMES is None else np.asarray(CLASS_NAMES)[index]


{read_csv_source}


def _output_names(n_outputs):
    """Column names of the outputs, as ``glassnet predict`` names them."""
    if CLASS_NAMES is not None:  # probabilities; one sigmoid output is P(second class)
        return [f"P({{name}})" for name in CLASS_NAMES[len(CLASS_NAMES) - n_outputs :]]
    if n_outputs == 1 and TARGET_NAME is not None:
        return [TARGET_NAME]
    return [f"output_{{j}}" for j in range(n_outputs)]


def main(argv):
    if len(argv) < 1:
        raise SystemExit(f"usage: python {{SCRIPT_NAME}} data.csv [--outputs]")
    try:
        X = _read_csv(argv[0])
        if CLASS_NAMES is not None and "--outputs" not in argv:
            rows = [[TARGET_NAME or "prediction"]] + [[label] for label in predict_labels(X)]
        else:
            outputs = predict(X)
            outputs = outputs.reshape(outputs.shape[0], -1)  # N-D outputs: C order per row
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


#: the member that marks a .npz as written by export_script (so a re-export may replace it)
_EXPORT_MARK = "glassnet_export"


def _check_replaceable_weights(path: str) -> None:
    """Refuse to replace an existing .npz that is not an earlier export's weights."""
    if not os.path.lexists(path):
        return
    try:
        with np.load(path, allow_pickle=False) as data:
            ours = isinstance(data, np.lib.npyio.NpzFile) and _EXPORT_MARK in data.files
    except (OSError, ValueError, EOFError):  # not a .npz at all
        ours = False
    if not ours:
        raise ValueError(
            f"Refusing to write the weights file {path!r}: it already exists and was not "
            f"written by glassnet export, so replacing it could lose data. Move it away, "
            f"or give the script another name."
        )


def _weights_source(net: Network, path: str, inputs: list, embed: bool) -> str:
    """The script's ``_load_params``: the weights embedded as base64, or in a .npz
    beside the script (written here; never onto an input or an unrelated .npz)."""
    buffer = io.BytesIO()
    if embed:
        np.savez(buffer, params=net.params)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        chunks = "\n".join(f'    "{encoded[i : i + 96]}"' for i in range(0, len(encoded), 96))
        return _EMBEDDED.format(chunks=chunks)
    weights_file = os.path.splitext(os.path.basename(path))[0] + ".npz"
    weights_path = os.path.join(os.path.dirname(os.path.abspath(path)), weights_file)
    check_not_inputs(weights_path, [*inputs, path], "the weights file")
    _check_replaceable_weights(weights_path)
    np.savez(buffer, params=net.params, glassnet_export=np.array(weights_file))
    with atomic_write(weights_path) as f:
        f.write(buffer.getvalue())
    return _BESIDE.format(filename=weights_file)


def export_script(
    net_or_path: Network | str | os.PathLike,
    path: str | os.PathLike,
    *,
    embed: bool = True,
    input_shape: tuple[int, ...] | None = None,
    protect: Sequence[str | os.PathLike] = (),
) -> str:
    """Write a standalone NumPy-only ``predict.py`` for a network or a saved model file.

    ``embed=True`` puts the weights in the script as base64; ``embed=False``
    writes them to ``<script stem>.npz`` beside it, and refuses to replace an
    existing ``.npz`` that an earlier export did not write. Both files are
    written atomically, and neither may be the model file read nor a file in
    ``protect``. Returns the script's path. For a network on N-D samples
    (Conv2D, MaxPool2D, Flatten, RNN, LSTM), ``input_shape`` — one sample's
    shape, such as (1, 8, 8) — lets the script's command line read each CSV row
    as one sample in C order; ``predict(X)`` takes N-D arrays either way.
    """
    inputs = [*protect] + ([] if isinstance(net_or_path, Network) else [net_or_path])
    path = os.fspath(path)
    check_not_inputs(path, inputs, "the script")
    net = net_or_path if isinstance(net_or_path, Network) else load(net_or_path)
    from glassnet._version import __version__

    rows = [export_shaped.layer_row(layer) for layer in net.layers]
    metadata = getattr(net, "metadata", {}) or {}
    is_shaped = shaped.is_shaped(net.layers)
    input_shape = export_shaped.checked_input_shape(net, input_shape, metadata)
    scaled = "feature_mean" in metadata and "feature_scale" in metadata
    targets_scaled = "target_mean" in metadata and "target_scale" in metadata
    weights_source = _weights_source(net, path, inputs, embed)

    activation_source = export_shaped.activations_source(net)
    class_names = metadata.get("class_names")
    feature_names = metadata.get("feature_names")
    text = _TEMPLATE.format(
        version=__version__,
        widths=" → ".join(repr(layer) for layer in net.layers) if is_shaped
        else " → ".join([str(net.n_inputs)] + [str(layer.n_units) for layer in net.layers]),
        dtype=net.dtype.name,
        n_inputs=net.n_inputs,
        n_outputs=net.n_outputs,
        script_name=os.path.basename(path),
        # inside the docstring: escaped, so no name can end it ('my"model.py', '\\')
        script_doc=ascii(os.path.basename(path))[1:-1].replace('"', '\\"'),
        chunk_bytes=predicting.PREDICT_CHUNK_BYTES,
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
        layers=rows,
        sample_rank=shaped.input_rank(net.layers[0]),
        input_shape=input_shape,
        shaped_source=export_shaped.shaped_source() if is_shaped else "",
        shapes_source=export_shaped.SHAPES_SOURCE,
        **export_columns.template_fields(metadata),
        weights_source=weights_source,
        activation_source=activation_source,
    )
    with atomic_write(path, "w", protect=inputs) as f:
        f.write(text)
    return path
