"""Networks for tables: train on a CSV file, predict and evaluate on others.

This is what the ``glassnet`` command line does, as functions. A table's
feature columns are standardised, x' = (x − mean) / scale, with the mean and
scale of the training rows, and so is a numeric target (see
:mod:`glassnet.tools.scaling`); the model file keeps them in ``net.metadata``
together with the feature names, the target name, the task and the class
names (in output-column order), so ``predict`` reads new rows by column name
and answers with class names, or numbers in the target's own units::

    net, report = train_table("iris.csv", target="species", hidden=(16,), epochs=200)
    net.save("iris.gnet")
    labels, proba = predict_table(net, "new.csv")

Output layer and loss, chosen from the target column:

==============  =========================  ===========================
target          output layer               loss (default)
==============  =========================  ===========================
two classes     1 sigmoid unit: P(class 1) binary_crossentropy
k > 2 classes   k softmax units            categorical_crossentropy
numbers         1 linear unit              mse
==============  =========================  ===========================
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from glassnet import losses
from glassnet.layers import Dense
from glassnet.network import Network
from glassnet.tools.readers import Dataset, csv_errors, load_csv
from glassnet.tools.scaling import scale_features, scale_targets, standardise, unscale_targets

TASKS = ("auto", "classification", "regression")


@dataclass
class TrainReport:
    """What :func:`train_table` did, for the summary table."""

    task: str
    n_train: int
    n_val: int
    feature_names: list[str]
    class_names: list[str] | None
    epochs_run: int
    figures: dict[str, float] = field(default_factory=dict)
    #: things worth a second look, e.g. a 0/1 target taken as numbers
    notes: list[str] = field(default_factory=list)


def read_table(path: str | os.PathLike, target: str, task: str = "auto") -> Dataset:
    """Read a CSV with a header; ``task`` forces the target to classes or numbers."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, but got {task!r}.")
    categorical = None if task == "auto" else task == "classification"
    return load_csv(path, target=target, categorical=categorical)


def read_features(path: str | os.PathLike, feature_names: Sequence[str]) -> np.ndarray:
    """The columns ``feature_names`` of a CSV file (any order, others ignored) as
    a float64 array (n_rows, len(feature_names)).

    Errors name the file's line (the header is line 1), the data row and the
    column, as :func:`glassnet.tools.readers.load_csv` does.
    """
    path = os.fspath(path)
    with open(path, newline="", encoding="utf-8-sig") as handle, csv_errors(path):
        lines = [
            (i, fields)
            for i, fields in enumerate(csv.reader(handle), start=1)
            if fields and any(f.strip() for f in fields)
        ]
    if not lines:
        raise ValueError(f"{path} is empty: expected a header row naming the columns, then data.")
    header = [h.strip() for h in lines[0][1]]
    if len(lines) == 1:
        raise ValueError(f"{path} has a header row ({', '.join(header)}) but no data rows.")
    missing = [name for name in feature_names if name not in header]
    if missing:
        raise ValueError(
            f"{path} has no column {missing[0]!r}, which the model was trained on; the model "
            f"needs the columns {', '.join(feature_names)} (in any order), the file has "
            f"{', '.join(header)}."
        )
    columns = [header.index(name) for name in feature_names]
    X = np.empty((len(lines) - 1, len(columns)), dtype=np.float64)
    for r, (line, fields) in enumerate(lines[1:]):
        if len(fields) != len(header):
            raise ValueError(
                f"{path}, line {line} (data row {r + 1}): the row has {len(fields)} field(s) but "
                f"the header has "
                f"{len(header)} columns. Every row needs one value per column."
            )
        for c, j in enumerate(columns):
            text = fields[j].strip()
            value: float | None
            try:
                value = float(text)
            except ValueError:
                value = float("nan") if not text else None
            if value is None or not np.isfinite(value):
                what = "is empty" if not text else f"holds {text!r}, which is not a finite number"
                raise ValueError(
                    f"{path}, line {line} (data row {r + 1}), column {j + 1} ({header[j]!r}) "
                    f"{what}; the model "
                    "needs a number there."
                )
            X[r, c] = value
    return X


def build_network(
    n_features: int,
    hidden: Sequence[int],
    n_outputs: int,
    activation: str,
    out_activation: str,
    seed: int | None,
    init: str = "xavier",
) -> Network:
    """Dense layers n_features → hidden[0] → … → n_outputs."""
    widths = [n_features, *hidden]
    layers = [Dense(a, b, activation=activation, init=init) for a, b in zip(widths, widths[1:])]
    layers.append(Dense(widths[-1], n_outputs, activation=out_activation, init=init))
    return Network(layers, seed=seed)


def targets(data: Dataset, loss: str | None = None) -> tuple[np.ndarray, str, str]:
    """Y (n, k) for the network, its output activation and default loss.

    A numeric target is regression with a linear output, unless ``loss`` is
    binary cross-entropy: then the numbers are probabilities, for a sigmoid.
    """
    if data.class_names is None:
        y = data.y.reshape(-1, 1).astype(np.float64)
        if loss == "categorical_crossentropy":
            raise ValueError(
                f"categorical_crossentropy needs class labels, but the target column "
                f"{data.target_name!r} holds numbers; use --task classification, or "
                f"binary_crossentropy for probabilities in [0, 1], or a regression loss."
            )
        return y, ("sigmoid" if loss == "binary_crossentropy" else "linear"), "mse"
    k = len(data.class_names)
    if k < 2:
        raise ValueError(
            f"The target column {data.target_name!r} holds only one class "
            f"({data.class_names[0]!r}); a classifier needs at least two."
        )
    if k == 2:
        return data.y.reshape(-1, 1).astype(np.float64), "sigmoid", "binary_crossentropy"
    return np.eye(k)[data.y], "softmax", "categorical_crossentropy"


def train_table(
    path: str | os.PathLike,
    target: str,
    *,
    task: str = "auto",
    hidden: Sequence[int] = (16,),
    activation: str = "relu",
    loss: str | None = None,
    optimizer: str = "adam",
    lr: float = 0.01,
    epochs: int = 200,
    batch_size: int | None = 32,
    validation_split: float = 0.0,
    seed: int | None = 0,
    verbose: int = 0,
) -> tuple[Network, TrainReport]:
    """Train a network on a CSV file; returns it (metadata filled) and a report.

    ``validation_split`` holds out that fraction of the rows, drawn at random
    with ``seed``, and reports the loss on them after every epoch. For
    regression the losses are those of the standardised target; the report's
    mae, rmse and r2 are in the target's own units.
    """
    if not 0 <= validation_split < 1:
        raise ValueError(f"validation split must be in [0, 1), but got {validation_split!r}.")
    data = read_table(path, target, task)
    Y, out_activation, default_loss = targets(data, loss)
    order = np.random.default_rng(seed).permutation(data.n_samples)
    n_val = int(round(validation_split * data.n_samples))
    if validation_split and not 1 <= n_val < data.n_samples:
        raise ValueError(
            f"validation split {validation_split} of {data.n_samples} rows leaves "
            f"{n_val} validation and {data.n_samples - n_val} training rows; both need one."
        )
    # a random hold-out, not Keras' last rows: a CSV sorted by class would
    # otherwise hold out one class only
    train_rows, val_rows = np.sort(order[n_val:]), np.sort(order[:n_val])
    mean, scale = standardise(data.X[train_rows])
    metadata = {
        "task": "regression" if data.class_names is None else "classification",
        "target_name": data.target_name,
        "feature_names": list(data.feature_names),
        "feature_mean": mean.tolist(),
        "feature_scale": scale.tolist(),
    }
    if data.class_names is not None:
        metadata["class_names"] = list(data.class_names)
    elif not losses.get(loss or default_loss).accepts_labels:
        # (a cross-entropy's numeric targets are probabilities in [0, 1]: they stay)
        target_mean, target_scale = standardise(Y[train_rows])
        metadata["target_mean"] = target_mean.tolist()
        metadata["target_scale"] = target_scale.tolist()
        Y = scale_targets(Y, metadata)
    X = scale_features(data.X, metadata)
    net = build_network(X.shape[1], hidden, Y.shape[1], activation, out_activation, seed)
    net.metadata = metadata
    validation = (X[val_rows], Y[val_rows]) if n_val else None
    history = net.fit(
        X[train_rows],
        Y[train_rows],
        epochs=epochs,
        lr=lr,
        loss=loss or default_loss,
        optimizer=optimizer,
        batch_size=batch_size,
        shuffle=True,
        validation_data=validation,
        verbose=verbose,
    )
    figures = {"loss": history.loss[-1]}
    if history.val_loss:
        figures["val_loss"] = history.val_loss[-1]
    for name, rows in (("train", train_rows), ("val", val_rows)):
        if len(rows):
            for key, value in score(net, X[rows], data.y[rows]).items():
                figures[f"{name}_{key}"] = value
    report = TrainReport(
        metadata["task"], len(train_rows), n_val, list(data.feature_names),
        metadata.get("class_names"), len(history.loss), figures,
    )
    if task == "auto" and data.class_names is None and set(np.unique(data.y)) <= {0.0, 1.0}:
        report.notes.append(
            f"the target {target!r} holds only 0 and 1 and was taken as numbers "
            f"(regression); for two classes, train with --task classification."
        )
    return net, report


def class_probabilities(net: Network, X_scaled: np.ndarray) -> np.ndarray:
    """(n, k) probabilities, columns in ``class_names`` order (sigmoid → [1 − p, p])."""
    out = net.predict(X_scaled)
    return np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out


def score(net: Network, X_scaled: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """accuracy (y: class codes) or mae, rmse and r2 (y: numbers in the target's
    own units)."""
    if net.metadata.get("task") == "classification":
        codes = np.argmax(class_probabilities(net, X_scaled), axis=1)
        return {"accuracy": float(np.mean(codes == y))}
    pred = unscale_targets(net.predict(X_scaled), net.metadata)[:, 0]
    residual = y - pred
    total = np.sum((y - y.mean()) ** 2)
    return {
        "mae": float(np.mean(np.abs(residual))),
        "rmse": float(np.sqrt(np.mean(residual**2))),
        "r2": float(1 - np.sum(residual**2) / total) if total > 0 else 0.0,
    }


def check_model(net: Network) -> dict[str, Any]:
    """The table metadata of a model file, or a sentence saying what is missing."""
    meta = getattr(net, "metadata", None) or {}
    needed = ["task", "feature_names"] + (
        ["class_names"] if meta.get("task") == "classification" else []
    )
    missing = [key for key in needed if key not in meta]
    if missing:
        raise ValueError(
            f"The model file has no {missing[0]!r} in its metadata; it was not made by "
            "'glassnet train'. Save a network trained on a table with its metadata set."
        )
    if len(meta["feature_names"]) != net.n_inputs:
        raise ValueError(
            f"The model's metadata names {len(meta['feature_names'])} features but its first "
            f"layer takes {net.n_inputs}; the file is inconsistent."
        )
    return meta


def predict_table(
    net: Network, path: str | os.PathLike
) -> tuple[list[Any], np.ndarray | None]:
    """Predictions for the rows of a CSV file: class names (and probabilities,
    (n, k)) for a classifier, numbers (and None) for a regressor."""
    meta = check_model(net)
    X = scale_features(read_features(path, meta["feature_names"]), meta)
    if meta["task"] == "classification":
        proba = class_probabilities(net, X)
        names = meta["class_names"]
        return [names[k] for k in np.argmax(proba, axis=1)], proba
    return [float(v) for v in unscale_targets(net.predict(X), meta)[:, 0]], None


def evaluate_table(
    net: Network, path: str | os.PathLike, target: str
) -> tuple[dict[str, float], np.ndarray | None]:
    """Figures on a labelled CSV file, and the confusion matrix for a classifier
    (rows: true class, columns: predicted class, in ``class_names`` order)."""
    meta = check_model(net)
    X, Y = labelled_rows(net, path, target, standardised=False)  # y in its own units
    if meta["task"] == "regression":
        return score(net, X, Y[:, 0]), None
    names = meta["class_names"]
    true = Y[:, 0].astype(np.intp) if Y.shape[1] == 1 else np.argmax(Y, axis=1)
    predicted = np.argmax(class_probabilities(net, X), axis=1)
    confusion = np.zeros((len(names), len(names)), dtype=np.int64)
    np.add.at(confusion, (true, predicted), 1)
    return {"accuracy": float(np.mean(true == predicted))}, confusion


def labelled_rows(
    net: Network,
    path: str | os.PathLike,
    target: str,
    rows: int | None = None,
    standardised: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The first ``rows`` rows of a labelled CSV as the network sees them:
    scaled X (n, d) and Y (n, k) coded as in training (one-hot, 0/1, numbers;
    standardised as in training unless ``standardised=False``)."""
    meta = check_model(net)
    data = read_table(path, target, meta["task"])
    X = scale_features(read_features_from(data, meta["feature_names"], path), meta)
    if meta["task"] == "regression":
        Y = data.y.reshape(-1, 1)
        if standardised:
            Y = scale_targets(Y, meta)
    else:
        names = list(meta["class_names"])
        class_names = cast(tuple[str, ...], data.class_names)  # a classification table has them
        unknown = [c for c in class_names if c not in names]
        if unknown:
            raise ValueError(
                f"{os.fspath(path)}: column {target!r} holds class {unknown[0]!r}, which the "
                f"model was not trained on; it knows {', '.join(names)}."
            )
        codes = np.array([names.index(class_names[c]) for c in data.y])
        Y = np.eye(len(names))[codes] if len(names) > 2 else codes.reshape(-1, 1) * 1.0
    return X[:rows], Y[:rows]


def read_features_from(
    data: Dataset, feature_names: Sequence[str], path: Any
) -> np.ndarray:
    """The model's feature columns, by name, out of a loaded Dataset."""
    missing = [name for name in feature_names if name not in data.feature_names]
    if missing:
        raise ValueError(
            f"{os.fspath(path)} has no column {missing[0]!r}, which the model was trained on; "
            f"the model needs {', '.join(feature_names)}."
        )
    return data.X[:, [data.feature_names.index(name) for name in feature_names]]
