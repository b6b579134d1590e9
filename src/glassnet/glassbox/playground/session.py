"""One playground page's engine: a Playground experiment, its controls, and what the page shows.

A :class:`Session` holds the :class:`~glassnet.glassbox.playground.core.Experiment`
built by :func:`~glassnet.glassbox.playground.core.from_url` and trains it with
:func:`~glassnet.glassbox.playground.training.train_epoch`, one epoch at a time.
The browser sends controls (:meth:`Session.control`) and draws what
:meth:`Session.config` and :meth:`Session.frame` return; it computes nothing.

Each control does what the same control does in TensorFlow Playground
(src/playground.ts ``makeGUI``):

- the learning rate changes at once, training goes on (read again at every epoch);
- "show test data" and "discretize output" change only the picture;
- the data set, problem type, noise and train/test ratio draw new data (a new
  seed from the stream) and reset the network;
- activation, regularisation and its rate, batch size, the inputs and the
  hidden layers reset the network (new weights continuing the stream, epoch 0,
  paused);
- "regenerate" draws new data and keeps the network.

Playground's 6-layer × 8-neuron limits are a warning here, not a wall.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.glassbox.palette import CLASS_COLOURS
from glassnet.glassbox.playground import frames
from glassnet.glassbox.playground.controls import (
    DATA,
    LEARNING_RATES,
    LIVE,
    PLAYGROUND_MAX_LAYERS,
    PLAYGROUND_MAX_NEURONS,
    REGULARIZATION_RATES,
    VIEW,
    ControlError,
    checked_value,
    integer,
    number,
)
from glassnet.glassbox.playground.core import FEATURES, Experiment, from_state, from_url
from glassnet.glassbox.playground.dense import bias
from glassnet.glassbox.playground.state import ACTIVATIONS, REGULARIZATIONS, check, parse, serialize
from glassnet.glassbox.playground.table import TableExperiment, from_table
from glassnet.glassbox.playground.training import train_epoch


class Session:
    """The page's state: one experiment, whether it plays, the loss history, the view."""

    def __init__(self, pg: Experiment):
        self.pg = pg
        self.playing = False
        self.selected: str | None = None  # the node whose heatmap fills the big picture
        self.version = 0  # bumps on every change a page must redraw
        self.structure = 0  # bumps when the data or the network's shape changes
        self._hyper: tuple[float, float, str] | None = None  # η, λ, R of the last update
        self.diagnosis: dict[str, Any] | None = None  # the doctor's last word (.checkup)
        self.checked = -1  # the structure the doctor last looked at by itself
        self._restart()

    @classmethod
    def from_url(cls, url: str = "") -> Session:
        """A session on what TensorFlow Playground builds from ``url`` (or its hash)."""
        return cls(from_url(url))

    @property
    def table(self) -> TableExperiment | None:
        """The experiment when it runs on the user's own table, else None."""
        return self.pg if isinstance(self.pg, TableExperiment) else None

    def _refuse_on_a_table(self, what: str) -> None:
        if self.table is not None:
            raise ControlError(f"{what} belongs to Playground's own data sets; this page "
                               f"shows your table ({', '.join(self.table.names)}).")

    # -- training ---------------------------------------------------------------
    def _restart(self) -> None:
        self.history = [(self.pg.epoch, self.pg.loss_train, self.pg.loss_test)]
        self.selected = None if self.selected not in self.node_ids() else self.selected
        self._hyper = None
        self.diagnosis = None
        self.version += 1
        self.structure += 1

    def epoch(self) -> None:
        """One of Playground's epochs on the engine."""
        state = self.pg.state
        with np.errstate(all="ignore"):  # a diverging network shows NaN, as Playground does
            train_epoch(self.pg)
        if self.pg.last_update:
            self._hyper = (state.learningRate, state.regularizationRate, state.regularization)
        self.history.append((self.pg.epoch, self.pg.loss_train, self.pg.loss_test))
        self.version += 1

    # -- controls -------------------------------------------------------------------
    def control(self, message: dict[str, Any]) -> None:
        """Apply one control from the page, as Playground applies it.

        ``message`` is ``{"action": ..., ...}``: ``play``, ``pause``, ``toggle``,
        ``step``, ``reset``, ``regenerate``; ``set`` (``name``, ``value``: a
        Playground state name); ``feature`` (``id``: toggle an input); ``layers``
        (``delta`` ±1); ``neurons`` (``layer``: hidden layer index from 0,
        ``delta``); ``weight`` (``layer``, ``i``, ``j``, ``value``); ``bias``
        (``layer``, ``j``, ``value``); ``select`` (``node``: ``"k:j"`` or None);
        ``hash`` (``hash``: a Playground URL hash). Raises :class:`ControlError`.
        """
        action = message.get("action")
        handler = getattr(self, f"_on_{action}", None) if isinstance(action, str) else None
        if handler is None:
            raise ControlError(f"Unknown control {action!r}; expected one of: "
                               f"{', '.join(n[4:] for n in dir(self) if n.startswith('_on_'))}.")
        handler(message)
        self.version += 1

    def _on_play(self, message) -> None:
        self.playing = True

    def _on_pause(self, message) -> None:
        self.playing = False

    def _on_toggle(self, message) -> None:
        self.playing = not self.playing

    def _on_step(self, message) -> None:
        self.playing = False
        self.epoch()

    def _on_reset(self, message) -> None:
        self._rebuild(lambda state: None)

    def _on_regenerate(self, message) -> None:
        self.pg.regenerate()
        self.structure += 1

    def _on_select(self, message) -> None:
        node = message.get("node")
        self.selected = node if node in self.node_ids() else None

    def _on_hash(self, message) -> None:
        text = str(message.get("hash", "")).lstrip("#")
        if text and text != serialize(self.pg.state):
            self._refuse_on_a_table("Opening another Playground link")
            try:
                pg = from_state(parse(text))
            except ValueError as exc:
                raise ControlError(str(exc)) from exc
            self.pg, self.playing = pg, False
            self._restart()

    def _on_set(self, message) -> None:
        name, value = message.get("name"), message.get("value")
        value = checked_value(name, value)
        if name in LIVE or name in VIEW:
            setattr(self.pg.state, name, value)
            return
        if name in DATA and name != "percTrainData":
            self._refuse_on_a_table(f"Changing {name}")
        if getattr(self.pg.state, name) == value and name in ("dataset", "regDataset"):
            return  # Playground: clicking the selected data set is a no-op
        self._rebuild(lambda state: setattr(state, name, value), new_data=name in DATA)

    def _on_feature(self, message) -> None:
        self._refuse_on_a_table("Turning an input on or off")
        feature = message.get("id")
        if feature not in FEATURES:
            raise ControlError(f"Unknown input {feature!r}; expected one of {', '.join(FEATURES)}.")
        self._rebuild(lambda state: setattr(state, feature, not getattr(state, feature)))

    def _on_layers(self, message) -> None:
        delta = integer(message.get("delta"), "delta")
        shape = list(self.pg.state.networkShape)
        if delta > 0:
            shape.append(2)  # Playground adds a layer of 2 neurons
        elif shape:
            shape.pop()
        self._rebuild(lambda state: setattr(state, "networkShape", shape))

    def _on_neurons(self, message) -> None:
        k = integer(message.get("layer"), "layer")
        shape = list(self.pg.state.networkShape)
        if not 0 <= k < len(shape):
            raise ControlError(f"Hidden layer {k} does not exist; there are {len(shape)}.")
        shape[k] = max(1, shape[k] + (1 if integer(message.get("delta"), "delta") > 0 else -1))
        self._rebuild(lambda state: setattr(state, "networkShape", shape))

    def _on_weight(self, message) -> None:
        layer = self._layer(message)
        i, j = integer(message.get("i"), "i"), integer(message.get("j"), "j")
        if not (0 <= i < layer.W.shape[0] and 0 <= j < layer.W.shape[1]):
            raise ControlError(f"Weight ({i}, {j}) is outside this layer's {layer.W.shape}.")
        layer.W[i, j] = number(message.get("value"), "weight")

    def _on_bias(self, message) -> None:
        layer = self._layer(message)
        j = integer(message.get("j"), "j")
        if not 0 <= j < layer.b.shape[0]:
            raise ControlError(f"Bias {j} is outside this layer's {layer.b.shape[0]} nodes.")
        layer.b[j] = number(message.get("value"), "bias")

    def _layer(self, message):
        k = integer(message.get("layer"), "layer")
        layers = self.pg.layers
        if not 0 <= k < len(layers):
            raise ControlError(f"Layer {k} does not exist; the network has {len(layers)}.")
        return layers[k]

    def _rebuild(self, change, new_data: bool = False) -> None:
        """Change the state and rebuild as Playground's ``reset()`` (after
        ``generateData()`` when the data changes); undone if the engine refuses it."""
        before = self.pg.state.copy()
        change(self.pg.state)
        try:
            check(self.pg.state)
            if new_data:
                self.pg.regenerate()
            self.pg.reset()
        except ValueError as exc:
            self.pg.state = before
            raise ControlError(str(exc)) from exc
        self.playing = False  # Playground's reset pauses the player
        self._restart()

    def use_table(self, X: Any, y: Any, names: list[str], target_name: str,
                  task: str | None = None) -> None:
        """Train on a table from now on (a CSV dropped on the page), with the page's
        settings (network shape, learning rate, seed …); paused at epoch 0."""
        try:
            pg = from_table(X, y, names, target_name, url=serialize(self.pg.state), task=task)
        except ValueError as exc:
            raise ControlError(str(exc)) from exc
        self.pg, self.playing = pg, False
        self._restart()
        self.version += 1

    # -- what the page shows -----------------------------------------------------
    def node_ids(self) -> list[str]:
        """``"k:j"`` for node j of layer k (layer 0: the enabled inputs)."""
        sizes = [self.pg.layers[0].n_inputs] + [
            layer.n_units for layer in self.pg.layers]
        return [f"{k}:{j}" for k, n in enumerate(sizes) for j in range(n)]

    @property
    def domain(self) -> tuple[float, float]:
        """The heatmap's range on both axes: Playground's [−6, 6], or the table's."""
        return self.table.domain if self.table is not None else frames.DOMAIN

    def warnings(self) -> list[str]:
        shape = self.pg.state.networkShape
        notes = []
        if len(shape) > PLAYGROUND_MAX_LAYERS:
            notes.append(f"{len(shape)} hidden layers: TensorFlow Playground stops at "
                         f"{PLAYGROUND_MAX_LAYERS}; glassnet goes on.")
        if shape and max(shape) > PLAYGROUND_MAX_NEURONS:
            notes.append(f"{max(shape)} neurons in a layer: TensorFlow Playground stops at "
                         f"{PLAYGROUND_MAX_NEURONS}; glassnet goes on.")
        return notes

    def state(self) -> dict[str, Any]:
        """``GET /api/state``: the configuration, epoch, losses, and every W and b."""
        pg = self.pg
        config = {name: getattr(pg.state, name) for name in pg.state.__dataclass_fields__}
        return {
            "config": config, "hash": serialize(pg.state), "epoch": pg.epoch,
            "loss_train": frames.finite(pg.loss_train), "loss_test": frames.finite(pg.loss_test),
            "playing": self.playing, "features": pg.feature_ids,
            "layers": [{"W": frames.to_json(layer.W), "b": frames.to_json(bias(layer)),
                        "activation": layer.activation.name}
                       for layer in pg.layers],
        }

    def config(self) -> dict[str, Any]:
        """What changes only with the data or the network's shape."""
        pg = self.pg
        shown = [f for f in FEATURES if not pg.state.is_hidden(f)]
        inputs = [{"id": f, "label": FEATURES[f][0], "active": f in pg.feature_ids} for f in shown]
        table, about = self.table, None
        if table is not None:
            inputs = [{"id": n, "label": n, "active": True} for n in table.names]
            about = {"target": table.target_name, "names": table.names,
                     "axes": [table.names[a] for a in table.axes],
                     "classes": table.classes, "k": table.n_classes,
                     "palette": list(CLASS_COLOURS[: table.n_classes])}
        return {
            "type": "config", "state": self.state()["config"], "hash": serialize(pg.state),
            "inputs": inputs, "table": about,
            "shape": [pg.layers[0].n_inputs]
            + [layer.n_units for layer in pg.layers],
            "train": frames.to_json(pg.train), "test": frames.to_json(pg.test),
            "hidden": [name[: -len("_hide")] for name, on in pg.state.hidden.items() if on],
            "warnings": self.warnings(), "thumbnails": frames.thumbnails(),
            "menus": {"learningRate": LEARNING_RATES, "regularizationRate": REGULARIZATION_RATES,
                      "activation": ACTIVATIONS, "regularization": REGULARIZATIONS},
            "domain": self.domain, "density": frames.DENSITY,
        }

    def frame(self) -> dict[str, Any]:
        """The heatmaps, weights, losses and figures of the network as it is now."""
        pg = self.pg
        with np.errstate(all="ignore"):
            values = frames.node_values(pg.network, pg.inputs(frames.grid(self.domain)))
        n = frames.DENSITY
        discretize = bool(pg.state.discretize)
        pictures = {f"{k}:{j}": v[:, j].reshape(n, n)
                    for k, v in enumerate(values) for j in range(v.shape[1])}
        k = pg.n_classes
        output = "output" if k else f"{len(values) - 1}:0"  # k classes: the class map
        big = self.selected if self.selected in pictures else output
        return {
            "type": "frame", "epoch": pg.epoch, "playing": self.playing,
            "loss_train": frames.finite(pg.loss_train), "loss_test": frames.finite(pg.loss_test),
            "weights": [frames.to_json(layer.W) for layer in pg.layers],
            "biases": [frames.to_json(bias(layer)) for layer in pg.layers],
            "dead": [np.argwhere(d).tolist() for d in pg.dead],
            "heatmap": None if big == "output" else frames.encode(pictures[big], discretize),
            "classmap": frames.encode_classes(values[-1], discretize) if big == "output"
            else None, "selected": big,
            "thumbs": {node: frames.encode(frames.reduce(p), discretize)
                       for node, p in pictures.items()},
            "figures": self.figures(), "learningRate": pg.state.learningRate,
            "showTestData": pg.state.showTestData, "hash": serialize(pg.state),
            "doctor": self.diagnosis,
        }

    def history_since(self, start: int) -> list[list[float | None]]:
        """The loss curve's points from index ``start``: (epoch, train loss, test loss)."""
        return [[e, frames.finite(a), frames.finite(b)] for e, a, b in self.history[start:]]

    def figures(self) -> dict[str, Any]:
        """Accuracy and confusion matrix, or RMSE and R², on train and test."""
        return frames.figures(self.pg)

    def link(self, k: int, i: int, j: int) -> dict[str, Any]:
        """Weight W[i, j] of layer k and its last update, numbers plugged in."""
        layer = self._layer({"layer": k})
        W = layer.W
        if not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            raise ControlError(f"Weight ({i}, {j}) is outside layer {k}'s {W.shape}.")
        out: dict[str, Any] = {"layer": k, "i": i, "j": j, "weight": frames.finite(W[i, j]),
                               "epoch": self.pg.epoch}
        if self.pg.last_update and self._hyper:
            lr, rate, name = self._hyper
            out["update"] = frames.link_update(self.pg.last_update[k], k, i, j, lr, rate, name,
                                               W[i, j], bool(self.pg.dead[k][i, j]))
        return out

    def neuron(self, node: str) -> dict[str, Any]:
        """Neuron ``"k:j"``'s z, a and δ (see :func:`.frames.neuron`)."""
        try:
            k, j = (int(part) for part in str(node).split(":"))
        except ValueError:
            k = j = -1
        if f"{k}:{j}" not in self.node_ids() or k == 0:
            raise ControlError(f"Node {node!r} is not a neuron; give layer:index with layer ≥ 1.")
        return frames.neuron(self.pg, k, j)

    def bias(self, k: int, j: int) -> dict[str, Any]:
        """Bias b[j] of layer k and its last update."""
        layer = self._layer({"layer": k})
        if not 0 <= j < layer.b.shape[0]:
            raise ControlError(f"Bias {j} is outside layer {k}'s {layer.b.shape[0]} nodes.")
        out: dict[str, Any] = {"layer": k, "j": j, "bias": frames.finite(layer.b[j]),
                               "epoch": self.pg.epoch}
        if self.pg.last_update and self._hyper:
            out["update"] = frames.bias_update(self.pg.last_update[k], j, self._hyper[0],
                                               layer.b[j])
        return out
