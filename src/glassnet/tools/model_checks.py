"""The checks a model file's description passes before anything is built from it.

:func:`glassnet.tools.saving.load` reads ``model.json`` and the array headers,
then asks this module about every field, so that a file holding a wrong type, a
NaN, a value out of range or a size it cannot back with data is refused with a
:class:`FieldError` naming the field (``network.layers[0].n_units``,
``metadata.class_names``, …) before a layer is initialised or an array of the
declared size is allocated. Numeric hyper-parameters go through the same
constructors (and so the same validators) as ``gn.Dense(...)``,
``gn.optimizers.Adam(...)`` and the activations; the array contents follow the
rule of ``set_weights``: finite numbers only.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from glassnet import activations, initializers, losses, optimizers
from glassnet.layers import LAYERS, Dense, Dropout, Layer
from glassnet.validation import shown

#: the most layers and units per layer a model file may declare
MAX_LAYERS, MAX_UNITS = 10_000, 2**31
TOP_FIELDS = {"format", "format_version", "glassnet_version", "network", "loss", "optimizer",
              "rng", "history", "metadata", "arrays"}
DENSE_FIELDS = {"type", "n_inputs", "n_units", "activation", "activation_config", "use_bias",
                "init"}
DROPOUT_FIELDS = {"type", "rate", "n_units"}


class FieldError(ValueError):
    """A field of a model file's description that cannot be right."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"the field {field} {reason}")
        self.field = field


def typed(value: Any, kinds: type | tuple[type, ...], field: str, what: str) -> Any:
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        raise FieldError(field, f"must be {what}, but is {shown(value)}.")
    return value


def _tuple(kinds):
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _known(entry: dict, allowed: set[str], field: str,
           required: frozenset[str] | set[str] = frozenset()) -> None:
    odd = sorted(set(entry) - allowed)
    if odd:
        raise FieldError(field, f"has an unknown entry {odd[0]!r}; it may hold only "
                                f"{sorted(allowed)}.")
    missing = sorted(required - set(entry))
    if missing:
        raise FieldError(field, f"lacks {missing[0]!r}.")


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
        low <= int(value) <= high
    ):
        raise FieldError(field, f"must be a whole number in [{low}, {high:,}], but is "
                                f"{shown(value)}.")
    return int(value)


def _built(field: str, make, *args, **kwargs):
    """``make(*args, **kwargs)`` with its ValueError/TypeError credited to ``field``."""
    try:
        return make(*args, **kwargs)
    except KeyError as exc:  # a layer's from_config reading an entry its type needs
        raise FieldError(field, f"lacks {exc}, which its type needs.") from None
    except (TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise FieldError(field, f"is refused: {exc}") from None


def check_document(doc: dict[str, Any]) -> None:
    """The top level: known fields only, of the right kinds."""
    _known(doc, TOP_FIELDS, "(top level)", {"network", "arrays"})
    typed(doc.get("glassnet_version", ""), str, "glassnet_version", "a version string")
    for name in ("loss", "optimizer"):
        if doc.get(name) is not None:
            typed(doc[name], dict, name, "a JSON object or null")
    for name in ("rng", "history", "metadata"):
        if doc.get(name) is not None:
            typed(doc[name], dict, name, "a JSON object")


def build_layers(spec: Any, n_params: int) -> list[Layer]:
    """The layers of ``network`` (each size bounded by the ``n_params`` numbers the
    params array holds), built but not yet given any memory."""
    typed(spec, dict, "network", "a JSON object with dtype, seed and layers")
    _known(spec, {"dtype", "seed", "layers"}, "network", {"layers"})
    configs = typed(spec["layers"], list, "network.layers", "a list of layers")
    if not 1 <= len(configs) <= MAX_LAYERS:
        raise FieldError("network.layers", f"must list 1 to {MAX_LAYERS:,} layers, but lists "
                                           f"{len(configs):,}.")
    if spec.get("seed") is not None:
        _whole(spec["seed"], "network.seed", 0, 2**128 - 1)
    if spec.get("dtype", "float64") not in ("float64", "float32"):
        raise FieldError("network.dtype", f"is {shown(spec.get('dtype'))}, but the dtype must "
                                          "be 'float64' or 'float32'.")
    layers, total = [], 0
    for i, config in enumerate(configs):
        field = f"network.layers[{i}]"
        layer = _layer(typed(config, dict, field, "a JSON object"), field)
        count = sum(math.prod(shape) for shape in layer.param_shapes().values())
        total += count
        if total > n_params:
            raise FieldError(field, f"declares {layer!r}, whose n_inputs × n_units (with "
                                    f"the bias) brings the layers to {total:,} parameters, "
                                    f"but the file's params array holds {n_params:,} in all.")
        layers.append(layer)
    if total != n_params:
        raise FieldError("network.layers", f"declares {total:,} parameters, but the file's "
                                           f"params array holds {n_params:,}.")
    return layers


def _layer(config: dict, field: str) -> Layer:
    kind = config.get("type")
    if not isinstance(kind, str) or kind not in LAYERS:
        raise FieldError(f"{field}.type", f"names an unknown layer type {shown(kind)}; "
                                          f"expected one of {sorted(LAYERS)}.")
    if LAYERS[kind] not in (Dense, Dropout):  # a layer that reads its own config
        layer_type: Any = LAYERS[kind]
        return _built(field, layer_type.from_config, config)
    if LAYERS[kind] is Dropout:
        _known(config, DROPOUT_FIELDS, field, DROPOUT_FIELDS)
        n_units = _whole(config["n_units"], f"{field}.n_units", 1, MAX_UNITS)
        return _built(f"{field}.rate", Dropout, config["rate"], n_units=n_units)
    _known(config, DENSE_FIELDS, field, {"type", "n_inputs", "n_units", "activation",
                                         "use_bias"})
    n_in = _whole(config["n_inputs"], f"{field}.n_inputs", 1, MAX_UNITS)
    n_out = _whole(config["n_units"], f"{field}.n_units", 1, MAX_UNITS)
    use_bias = typed(config["use_bias"], bool, f"{field}.use_bias", "true or false")
    activation = named(activations.ACTIVATIONS, config["activation"],
                       config.get("activation_config", {}), f"{field}.activation", "activation")
    init = named(initializers.INITIALIZERS, config.get("init", "uniform"), {}, f"{field}.init",
                 "init")
    return _built(field, Dense, n_in, n_out, activation=activation, use_bias=use_bias,
                  init=init)


def named(registry: dict[str, type], name: Any, config: Any, field: str, kind: str) -> Any:
    """An instance from an allow-listed name and its config, through its constructor
    (so through the validators every constructor applies)."""
    if not isinstance(name, str) or name not in registry:
        raise FieldError(field, f"names an unknown {kind} {shown(name)}; expected one of "
                                f"{sorted(registry)}.")
    config_field = f"{field}_config" if kind == "activation" else f"{field}.config"
    typed(config, dict, config_field, "a JSON object")
    try:
        return registry[name](**config)
    except (TypeError, ValueError, OverflowError) as exc:
        raise FieldError(config_field, f"is refused: the {kind} {name!r} does not accept "
                                       f"config {shown(config, 80)} ({exc}).") from None


def build_loss(entry: Any) -> losses.Loss | None:
    if entry is None:
        return None
    _known(entry, {"name", "config"}, "loss", {"name"})
    return named(losses.LOSSES, entry["name"], entry.get("config", {}), "loss", "loss")


def build_optimizer(entry: Any, arrays: dict[str, np.ndarray], params: np.ndarray, used: set):
    """The optimizer with its state; array references are looked up in ``arrays``."""
    if entry is None:
        return None
    _known(entry, {"name", "config", "state"}, "optimizer", {"name", "config"})
    opt = named(optimizers.OPTIMIZERS, entry["name"], entry["config"], "optimizer",
                "optimizer")
    state = typed(entry.get("state", {}), dict, "optimizer.state", "a JSON object")
    if set(state) - {"0"}:
        raise FieldError("optimizer.state", "must have one entry, '0' (a network has one "
                                            f"parameter vector), but has {sorted(state)}.")
    for index, per_param in state.items():
        field = f"optimizer.state.{index}"
        per_param = dict(typed(per_param, dict, field, "a JSON object"))
        for key, value in per_param.items():
            if isinstance(value, dict):
                ref = value.get("array")
                if set(value) != {"array"} or not isinstance(ref, str) or ref not in arrays:
                    raise FieldError(f"{field}.{key}", "must refer to a listed array, such "
                                                       "as {'array': 'optimizer.0.m'}.")
                per_param[key] = arrays[ref]
                used.add(ref)
        opt.state[0] = _built(field, optimizer_state, opt, per_param, params)
    return opt


def optimizer_state(
    opt: optimizers.Optimizer, state: dict[str, Any], like: np.ndarray
) -> dict[str, Any]:
    """Refuse a restored per-parameter state that the optimizer ``opt`` could not have
    made (its classes declare ``state_arrays``, ``state_counts`` and
    ``nonnegative_state``): other keys, arrays not shaped like the parameters
    ``like`` or not finite, a negative average of g², a step count that is not a
    whole number in [1, 2⁵³]. Returns the state with arrays in ``like``'s dtype."""
    expected = set(opt.state_arrays) | set(opt.state_counts)
    if set(state) != expected:
        raise ValueError(
            f"the {opt.name} optimizer keeps {sorted(expected) or 'no state'} per "
            f"parameter, but the state holds {sorted(state)}."
        )
    out: dict[str, Any] = {}
    for key in opt.state_counts:
        t = state[key]
        if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= 2**53:
            raise ValueError(f"the step count {key!r} must be a whole number >= 1, "
                             f"but is {shown(t)}.")
        out[key] = t
    for key in opt.state_arrays:
        array = state[key]
        if not isinstance(array, np.ndarray) or array.shape != like.shape:
            raise ValueError(f"the state {key!r} must be an array shaped like the "
                             f"{like.shape} parameters.")
        array = array.astype(like.dtype, copy=True)
        if not np.isfinite(array).all():
            raise ValueError(f"the state {key!r} holds NaN or inf.")
        if key in opt.nonnegative_state and (array < 0).any():
            raise ValueError(f"the state {key!r} is an average of g², but holds negative "
                             "values.")
        out[key] = array
    return out


def check_params(params: np.ndarray, dtype: str) -> None:
    """The rule of ``set_weights``: every weight and bias a finite number."""
    if params.ndim != 1 or params.dtype != np.dtype(dtype):
        raise FieldError("arrays.params", f"must be a 1-D {dtype} vector, but is "
                                          f"{params.dtype} of shape {params.shape}.")
    bad = ~np.isfinite(params)
    if bad.any():
        raise FieldError("arrays.params", f"holds {int(bad.sum()):,} NaN or inf weight(s) (the "
                                          f"first at position {int(np.argmax(bad))}); a model "
                                          f"must hold finite numbers, as set_weights requires.")


def check_rng(state: Any) -> dict[str, Any] | None:
    if state is None:
        return None
    _known(state, {"bit_generator", "state", "has_uint32", "uinteger"}, "rng",
           {"bit_generator", "state"})
    if state["bit_generator"] != "PCG64":
        raise FieldError("rng.bit_generator", f"names the random generator state "
                                              f"{shown(state['bit_generator'])}; expected "
                                              f"'PCG64'.")
    inner = typed(state["state"], dict, "rng.state", "a JSON object with state and inc")
    _known(inner, {"state", "inc"}, "rng.state", {"state", "inc"})
    for key in ("state", "inc"):
        _whole(inner[key], f"rng.state.{key}", 0, 2**128 - 1)
    _whole(state.get("has_uint32", 0), "rng.has_uint32", 0, 1)
    _whole(state.get("uinteger", 0), "rng.uinteger", 0, 2**32 - 1)
    return state


def check_history(history: Any) -> dict[str, Any]:
    """Epochs are whole numbers, the training loss and learning rates finite (fit rolls
    back a diverged step); figures measured on held-out rows (``val_loss``, metrics)
    are numbers that may be infinite or NaN: a validation loss that overflowed is a
    true record of that training, and the weights are checked on their own."""
    history = history or {}
    _known(history, {"epochs", "loss", "val_loss", "lr", "metrics"}, "history")
    for key in ("epochs", "loss", "val_loss", "lr"):
        values = typed(history.get(key, []), list, f"history.{key}", "a list")
        for j, v in enumerate(values):
            if key == "epochs":
                _whole(v, f"history.epochs[{j}]", 0, 2**53)
            elif _number(v, f"history.{key}[{j}]", finite=key != "val_loss") < 0 and key == "lr":
                raise FieldError(f"history.lr[{j}]", f"is a learning rate, which must be >= 0, "
                                                     f"but is {v!r}.")
    metrics = typed(history.get("metrics", {}), dict, "history.metrics", "a JSON object")
    for name, values in metrics.items():
        for j, v in enumerate(typed(values, list, f"history.metrics.{name}", "a list")):
            _number(v, f"history.metrics.{name}[{j}]", finite=False)
    return history


def _number(value: Any, field: str, finite: bool = True) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    try:
        ok = ok and (not finite or math.isfinite(float(value)))
    except OverflowError:
        ok = False
    if not ok:
        what = "a finite number" if finite else "a number"
        raise FieldError(field, f"must be {what}, but is {shown(value)}.")
    return float(value)


def check_metadata(meta: Any, n_inputs: int, n_outputs: int) -> dict[str, Any]:
    """The conventional metadata keys (see :mod:`glassnet.tools.saving`), when present,
    of the types and lengths the network's shape needs; other keys are free-form."""
    meta = meta or {}
    if meta.get("task") is not None and meta["task"] not in ("classification", "regression"):
        raise FieldError("metadata.task", f"must be 'classification' or 'regression', but is "
                                          f"{shown(meta['task'])}.")
    if meta.get("target_name") is not None:
        typed(meta["target_name"], str, "metadata.target_name", "a column name (text)")
    if meta.get("feature_names") is not None:
        _names(meta["feature_names"], "metadata.feature_names", n_inputs, "input")
    n_classes = 2 if n_outputs == 1 else n_outputs
    if meta.get("class_names") is not None:
        _names(meta["class_names"], "metadata.class_names", n_classes, "class")
    elif meta.get("task") == "classification":
        raise FieldError("metadata.class_names", "is missing: a classification model needs "
                                                 "its class names.")
    for key, n, side, positive in (
        ("feature_mean", n_inputs, "input", False), ("feature_scale", n_inputs, "input", True),
        ("target_mean", n_outputs, "output", False), ("target_scale", n_outputs, "output", True),
    ):
        if meta.get(key) is None:
            continue
        field = f"metadata.{key}"
        values = typed(meta[key], list, field, f"a list of {n} number(s)")
        if len(values) != n:
            raise FieldError(field, f"must hold {n} number(s), one per {side}, but holds "
                                    f"{len(values)}.")
        for j, v in enumerate(values):
            if _number(v, f"{field}[{j}]") <= 0 and positive:
                raise FieldError(f"{field}[{j}]", f"is a scale, which must be > 0, but is {v!r}.")
    return meta


def _names(names: Any, field: str, n: int, what: str) -> None:
    typed(names, list, field, f"a list of {n} name(s)")
    if len(names) != n:
        raise FieldError(field, f"must hold {n} name(s), one per {what} column of the "
                                f"network, but holds {len(names)}.")
    for j, name in enumerate(names):
        typed(name, str, f"{field}[{j}]", "a name (text)")
    if len(set(names)) != len(names):
        raise FieldError(field, "repeats a name; the names must differ.")
