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
import stat
import zipfile
import zlib
from typing import Any

import numpy as np

from glassnet import optimizers
from glassnet._files import atomic_write
from glassnet._version import __version__
from glassnet.network import Network
from glassnet.resources import check_fits
from glassnet.tools import model_checks as checks
from glassnet.tools.column_checks import check_columns
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
    try:  # what load would refuse is not written
        checks.check_metadata(getattr(net, "metadata", None), net.n_inputs, net.n_outputs)
    except checks.FieldError as exc:
        raise ValueError(f"Cannot save the model to {os.fspath(path)!r}: {exc}") from None
    doc, arrays = to_config(net)
    text = json.dumps(doc, indent=1, allow_nan=True)
    with atomic_write(path) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_MEMBER, text)
        for name, array in arrays.items():
            _write_array(archive, name, array)


# -- loading ------------------------------------------------------------------
class ModelFileError(ValueError):
    """A file that :func:`load` refuses: not a glassnet model, truncated, corrupted,
    from a newer format, or holding a field or array that fails its checks.

    A ``ValueError``, so ``except ValueError`` catches it too; ``path`` is the file as
    given and ``reason`` the sentence after "as a glassnet model:".

    >>> import pathlib, tempfile
    >>> import glassnet as gn
    >>> notes = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = notes.write_text("not a model")
    >>> try:
    ...     gn.load(notes)
    ... except gn.ModelFileError as error:
    ...     print(error.reason)
    it is not a readable zip archive (truncated or corrupted: File is not a zip file).
    """

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"Cannot load {os.fspath(path)!r} as a glassnet model: {reason}")


def _refuse(path: Any, reason: str) -> ModelFileError:
    return ModelFileError(path, reason)


def _read_document(archive: zipfile.ZipFile, path: Any) -> dict[str, Any]:
    if JSON_MEMBER not in archive.namelist():
        raise _refuse(path, f"it is a zip file but has no {JSON_MEMBER} (not a glassnet model).")
    _check_member_fits(archive.getinfo(JSON_MEMBER), path)
    try:
        doc = json.loads(archive.read(JSON_MEMBER).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: also an integer of more than 4300 digits; RecursionError: [[[[…
        raise _refuse(path, f"{JSON_MEMBER} is not valid JSON ({type(exc).__name__}: "
                            f"{str(exc)[:200]}).") from None
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
        except ModelFileError:
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


def from_config(doc: dict[str, Any], arrays: dict[str, np.ndarray]) -> Network:
    """Rebuild a network from what :func:`to_config` produced. Every field is checked
    (:mod:`glassnet.tools.model_checks`) before the network is given any memory."""
    if not isinstance(doc, dict):
        raise ValueError("the description must be a JSON object.")
    checks.check_document(doc)
    params = arrays.get("params")
    if params is None:
        raise checks.FieldError("arrays.params", "the parameter vector is missing.")
    spec = doc["network"]
    layers = checks.build_layers(spec, params.size if params.ndim == 1 else -1)
    dtype = spec.get("dtype", "float64")
    checks.check_params(params, dtype)
    loss = checks.build_loss(doc.get("loss"))
    rng_state = checks.check_rng(doc.get("rng"))
    history = checks.check_history(doc.get("history"))
    metadata = checks.check_metadata(doc.get("metadata"), layers[0].n_inputs, layers[-1].n_units)
    check_columns(metadata, layers[0].n_inputs)
    net = Network(layers, seed=spec.get("seed"), dtype=dtype)
    np.copyto(net.params, params)
    used = {"params"}
    net.loss = loss
    net.optimizer = checks.build_optimizer(doc.get("optimizer"), arrays, net.params, used)
    unused = sorted(set(arrays) - used)
    if unused:
        raise checks.FieldError("arrays", f"the array {unused[0]!r} is listed but nothing "
                                          "uses it.")
    if rng_state is not None:
        try:
            net.rng.bit_generator.state = rng_state
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise checks.FieldError("rng", f"the random generator state is invalid ({exc}).")\
                from None
    net.history = History.from_config(history)
    net.metadata = metadata
    return net


def _check_regular_file(path: Any) -> None:
    """A model must be a regular file: say what else it is (a directory, a FIFO ...)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"No model file at {os.fspath(path)!r}: it does not exist.")\
            from None
    except (OSError, ValueError) as exc:  # permissions, a NUL in the name, a loop of links
        raise _refuse(path, f"it cannot be opened ({exc}).") from None
    if not stat.S_ISREG(mode):
        kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
        raise _refuse(path, f"it is {kind}, not a model file. Give the path of a .gnet file.")


_KINDS = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket")]


def _check_unique_members(archive: zipfile.ZipFile, path: Any) -> None:
    """A duplicate member name is refused before anything is read: readers disagree on
    which copy counts (unzip shows the first, Python reads the last)."""
    seen: set[str] = set()
    for name in archive.namelist():
        if name in seen:
            raise _refuse(path, f"the zip archive holds two members named {name!r}; a model "
                                "file has one of each (it may have been tampered with).")
        seen.add(name)


def _check_members(archive: zipfile.ZipFile, doc: dict[str, Any], path: Any) -> None:
    """Exactly model.json and one member per listed array: any other is refused."""
    names = archive.namelist()
    arrays = doc.get("arrays")
    listed = arrays if isinstance(arrays, dict) else {}
    allowed = {JSON_MEMBER} | {ARRAY_DIR + str(n) + ".npy" for n in listed}
    odd = [name for name in names if name not in allowed]
    if odd:
        raise _refuse(path, f"the zip archive holds a member {odd[0]!r} that is not part of a "
                            "glassnet model (only model.json and the listed arrays/*.npy).")


def load(path: str | os.PathLike) -> Network:
    """Load a network written by :meth:`Network.save`, ready to predict or train on.

    Raises ValueError, saying why, for a file that is not a glassnet model, is
    truncated or corrupted, comes from a newer format version, holds a pickle
    or object array, or whose arrays do not fit its layers.
    """
    _check_regular_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_unique_members(archive, path)
            doc = _read_document(archive, path)
            _check_members(archive, doc, path)
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

