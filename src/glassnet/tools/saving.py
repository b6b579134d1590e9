"""Save and load a whole network in one file, without pickle.

The file (``.gnet`` by convention) is a zip archive holding

- ``model.json``: the format name and version, the layers' ``get_config``, the
  dtype and seed, the loss, the optimizer's configuration and the scalar part
  of its state, the random generator's state, the history and the free-form
  ``metadata`` dict; read it with ``unzip -p model.gnet model.json``;
- ``arrays/<name>.npy``: every array (the flat parameter vector ``params`` and
  each optimizer state array), each listed in ``model.json`` with its dtype and
  shape. They are read with ``allow_pickle=False``: a file holding an object
  array is refused, never unpickled.

Every name in the file (layer type, activation, initialiser, loss, optimizer)
is looked up in glassnet's registries, which act as the allow-list. Writes are
atomic: the archive is written to a temporary file in the same directory and
moved over ``path`` only once complete, so a failure leaves the old file as it
was.

``metadata`` conventions used by the CLI and :mod:`glassnet.tools.export`:
``feature_names`` (list of str), ``feature_mean`` and ``feature_scale`` (lists of
floats; inputs are standardised as (X − mean) / scale), ``target_mean`` and
``target_scale`` (regression targets, likewise; see :mod:`glassnet.tools.scaling`),
``class_names`` (list of str, in output-column order), ``task``
("classification" or "regression").

>>> import glassnet as gn, tempfile, os, numpy as np
>>> net = gn.Network([gn.Dense(2, 1)], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.gnet")
>>> net.save(path)
>>> np.array_equal(gn.load(path).params, net.params)
True
"""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from typing import Any

import numpy as np

from glassnet import activations, initializers, losses, optimizers
from glassnet._files import atomic_write
from glassnet._version import __version__
from glassnet.layers import LAYERS, Dense, Dropout, Layer
from glassnet.network import Network
from glassnet.resources import check_fits
from glassnet.training import History

FORMAT = "glassnet-model"
FORMAT_VERSION = 1
JSON_MEMBER = "model.json"
ARRAY_DIR = "arrays/"
_ARRAY_KINDS = "fiub"  # dtypes a model file may hold: float, int, unsigned, bool
#: array names as save writes them (params, optimizer.0.m): no slashes, no ".."
_ARRAY_NAME = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\Z")


# -- saving -------------------------------------------------------------------
def _json_ready(value: Any, where: str) -> Any:
    """Check that ``value`` is made of JSON types (numpy scalars become Python ones)."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_ready(v, where) for v in value]
    if isinstance(value, np.ndarray):
        return _json_ready(value.tolist(), where)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where} keys must be strings, but got {k!r}.")
            out[k] = _json_ready(v, where)
        return out
    raise TypeError(
        f"{where} must hold only JSON values (numbers, strings, lists, dicts), but got "
        f"{type(value).__name__}: {value!r}."
    )


def _write_array(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    with archive.open(ARRAY_DIR + name + ".npy", "w") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(array), allow_pickle=False)


def _optimizer_entry(opt: optimizers.Optimizer, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    state: dict[str, dict[str, Any]] = {}
    for index, per_param in opt.state.items():
        entry: dict[str, Any] = {}
        for key, value in per_param.items():
            if isinstance(value, np.ndarray):
                name = f"optimizer.{index}.{key}"
                arrays[name] = value
                entry[key] = {"array": name}
            else:
                entry[key] = _json_ready(value, "optimizer state")
        state[str(index)] = entry
    return {"name": opt.name, "config": opt.get_config(), "state": state}


def to_config(net: Network) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON document and the arrays that :func:`save` writes for ``net``."""
    arrays: dict[str, np.ndarray] = {"params": net.params}
    seed = net.seed
    if seed is not None and not isinstance(seed, (int, np.integer)):
        seed = None  # a SeedSequence or Generator seed cannot be written; the state is saved
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "glassnet_version": __version__,
        "network": {
            "dtype": net.dtype.name,
            "seed": None if seed is None else int(seed),
            "layers": [_json_ready(layer.get_config(), "layer config") for layer in net.layers],
        },
        "loss": None if net.loss is None else {
            "name": net.loss.name, "config": _json_ready(net.loss.get_config(), "loss config")
        },
        "optimizer": None if net.optimizer is None else _optimizer_entry(net.optimizer, arrays),
        "rng": _json_ready(net.rng.bit_generator.state, "random generator state"),
        "history": _json_ready(net.history.get_config(), "history"),
        "metadata": _json_ready(getattr(net, "metadata", {}) or {}, "metadata"),
    }
    doc["arrays"] = {
        name: {"dtype": arr.dtype.str, "shape": list(arr.shape)} for name, arr in arrays.items()
    }
    return doc, arrays


def save(net: Network, path: str | os.PathLike) -> None:
    """Write ``net`` to ``path`` atomically (see the module docstring for the format)."""
    if not isinstance(net, Network):
        raise TypeError(f"save expects a glassnet Network, but got {type(net).__name__}.")
    doc, arrays = to_config(net)
    text = json.dumps(doc, indent=1, allow_nan=True)
    with atomic_write(path) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_MEMBER, text)
        for name, array in arrays.items():
            _write_array(archive, name, array)


# -- loading ------------------------------------------------------------------
class _Refused(ValueError):
    """A refusal already worded for the user (a ValueError to everyone else)."""


def _refuse(path: Any, reason: str) -> ValueError:
    return _Refused(f"Cannot load {os.fspath(path)!r} as a glassnet model: {reason}")


def _read_document(archive: zipfile.ZipFile, path: Any) -> dict[str, Any]:
    if JSON_MEMBER not in archive.namelist():
        raise _refuse(path, f"it is a zip file but has no {JSON_MEMBER} (not a glassnet model).")
    _check_member_fits(archive.getinfo(JSON_MEMBER), path)
    try:
        doc = json.loads(archive.read(JSON_MEMBER).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(path, f"{JSON_MEMBER} is not valid JSON ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _refuse(path, f"{JSON_MEMBER} does not say format={FORMAT!r}.")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _refuse(path, f"its format_version is {version!r}, not a whole number.")
    if version > FORMAT_VERSION:
        raise _refuse(
            path,
            f"it has format version {version}, newer than the {FORMAT_VERSION} this glassnet "
            f"{__version__} reads. Upgrade glassnet to load it.",
        )
    if version < 1:
        raise _refuse(path, f"format version {version} is unknown.")
    return doc


def _read_arrays(archive: zipfile.ZipFile, doc: dict[str, Any], path: Any) -> dict[str, Any]:
    listed = doc.get("arrays")
    if not isinstance(listed, dict):
        raise _refuse(path, f"{JSON_MEMBER} has no 'arrays' table.")
    arrays = {}
    for name, spec in listed.items():
        if not _ARRAY_NAME.match(name):
            raise _refuse(path, f"the array name {name!r} is not a plain name like 'params'.")
        member = ARRAY_DIR + name + ".npy"
        if member not in archive.namelist():
            raise _refuse(path, f"the array {name!r} is listed but {member} is missing.")
        try:
            _check_npy_header(archive, member, path)
            with archive.open(member) as f:
                array = np.lib.format.read_array(f, allow_pickle=False)
        except _Refused:
            raise
        except ValueError as exc:  # object arrays, bad headers
            raise _refuse(path, f"{member} cannot be read safely ({exc}).") from None
        if array.dtype.kind not in _ARRAY_KINDS:
            raise _refuse(path, f"{member} holds {array.dtype} data, not numbers.")
        expected = (spec.get("dtype"), spec.get("shape")) if isinstance(spec, dict) else None
        if expected != (array.dtype.str, list(array.shape)):
            raise _refuse(
                path,
                f"{member} has dtype {array.dtype.str} and shape {list(array.shape)}, but "
                f"{JSON_MEMBER} lists {expected}.",
            )
        arrays[name] = array
    return arrays


def _check_member_fits(info: zipfile.ZipInfo, path: Any) -> None:
    """Refuse a member whose declared size would not fit in memory (a zip bomb)."""
    try:
        check_fits(info.file_size, f"The member {info.filename}", "")
    except MemoryError as exc:
        raise _refuse(path, str(exc).strip()) from None


def _check_npy_header(archive: zipfile.ZipFile, member: str, path: Any) -> None:
    """Read only the .npy header and check it against the member's size before any
    array is allocated: a header may declare terabytes over a few bytes of data."""
    info = archive.getinfo(member)
    _check_member_fits(info, path)
    with archive.open(member) as f:
        version = np.lib.format.read_magic(f)
        read_header = (
            np.lib.format.read_array_header_1_0 if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read_header(f)
        header_bytes = f.tell()
    if dtype.hasobject or dtype.kind not in _ARRAY_KINDS:
        raise _refuse(
            path, f"{member} cannot be read safely: it holds {dtype} data, not numbers "
            "(object arrays are pickles and are never unpickled).",
        )
    data_bytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if header_bytes + data_bytes != info.file_size:
        raise _refuse(
            path,
            f"{member} declares shape {shape} of {dtype} ({data_bytes:,} bytes of data), but "
            f"the member holds {info.file_size - header_bytes:,} bytes after its header.",
        )


def _named(registry: dict[str, Any], name: Any, kind: str, config: Any) -> Any:
    """An instance from an allow-listed name and its config."""
    if not isinstance(name, str) or name not in registry:
        raise ValueError(f"unknown {kind} {name!r}; expected one of {sorted(registry)}.")
    if not isinstance(config, dict):
        raise ValueError(f"the {kind} config must be a JSON object, but is {config!r}.")
    try:
        return registry[name](**config)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the {kind} {name!r} does not accept config {config} ({exc}).") from None


def _build_layer(config: Any) -> Layer:
    if not isinstance(config, dict):
        raise ValueError(f"a layer entry must be a JSON object, but is {config!r}.")
    kind = config.get("type")
    if kind not in LAYERS:
        raise ValueError(f"unknown layer type {kind!r}; expected one of {sorted(LAYERS)}.")
    try:
        if hasattr(LAYERS[kind], "from_config"):  # Conv2D, MaxPool2D, Flatten, RNN, LSTM
            return LAYERS[kind].from_config(config)
        if LAYERS[kind] is Dropout:
            return Dropout(config["rate"], n_units=config["n_units"])
        activation = _named(
            activations.ACTIVATIONS,
            config["activation"],
            "activation",
            config.get("activation_config", {}),
        )
        init = initializers.get(config.get("init", "uniform"))
        return Dense(
            config["n_inputs"],
            config["n_units"],
            activation=activation,
            use_bias=bool(config["use_bias"]),
            init=init,
        )
    except KeyError as exc:
        raise ValueError(f"the {kind} layer entry lacks {exc}.") from None


def _restore_optimizer(entry: Any, arrays: dict[Any, np.ndarray], net: Network):
    if entry is None:
        return None
    opt = _named(optimizers.OPTIMIZERS, entry.get("name"), "optimizer", entry.get("config"))
    for index, per_param in entry.get("state", {}).items():
        state: dict[str, Any] = {}
        for key, value in per_param.items():
            if isinstance(value, dict):
                array = arrays.get(value.get("array"))
                if array is None or array.shape != net.params.shape:
                    raise ValueError(
                        f"the optimizer state {key!r} must be an array shaped like the "
                        f"{net.params.shape} parameters."
                    )
                state[key] = array.astype(net.dtype, copy=True)
            else:
                state[key] = value
        opt.state[int(index)] = state
    return opt


def from_config(doc: dict[str, Any], arrays: dict[str, np.ndarray]) -> Network:
    """Rebuild a network from what :func:`to_config` produced (validated names only)."""
    spec = doc.get("network")
    if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list):
        raise ValueError("the 'network' entry with its list of layers is missing.")
    layers = [_build_layer(c) for c in spec["layers"]]
    net = Network(layers, seed=spec.get("seed"), dtype=spec.get("dtype", "float64"))
    params = arrays.get("params")
    if params is None or params.shape != net.params.shape or params.dtype != net.dtype:
        got = None if params is None else f"{params.dtype} {params.shape}"
        raise ValueError(
            f"the layers need {net.n_params} {net.dtype} parameters "
            f"(shape {net.params.shape}), but the file's params array is {got}."
        )
    np.copyto(net.params, params)
    loss = doc.get("loss")
    if loss is not None:
        net.loss = _named(losses.LOSSES, loss.get("name"), "loss", loss.get("config", {}))
    net.optimizer = _restore_optimizer(doc.get("optimizer"), arrays, net)
    if doc.get("rng") is not None:
        try:
            net.rng.bit_generator.state = doc["rng"]
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"the random generator state is invalid ({exc}).") from None
    net.history = History.from_config(doc.get("history") or {})
    metadata = doc.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError(f"metadata must be a JSON object, but is {metadata!r}.")
    net.metadata = metadata
    return net


def load(path: str | os.PathLike) -> Network:
    """Load a network written by :meth:`Network.save`, ready to predict or train on.

    Raises ValueError, saying why, for a file that is not a glassnet model, is
    truncated or corrupted, comes from a newer format version, holds a pickle
    or object array, or whose arrays do not fit its layers.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No model file at {os.fspath(path)!r}.")
    try:
        with zipfile.ZipFile(path) as archive:
            doc = _read_document(archive, path)
            arrays = _read_arrays(archive, doc, path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise _refuse(path, f"it is not a readable zip archive (truncated or corrupted: {exc}).")\
            from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        # zipfile's answers to zip64 limits, unknown compression, encrypted members
        raise _refuse(path, f"its zip archive cannot be read ({exc}).") from None
    try:
        return from_config(doc, arrays)
    except (TypeError, AttributeError, KeyError) as exc:
        raise _refuse(path, f"its description is malformed ({type(exc).__name__}: {exc}).")\
            from None
    except ValueError as exc:
        raise _refuse(path, str(exc)) from None

