"""Networks for tables: train on a CSV file (or a DataFrame), predict and evaluate on others.

This is what the ``glassnet`` command line does, as functions. The steps:

1. the target column decides the task (:func:`glassnet.tools.preprocess.target_of`);
   rows whose target is missing are dropped;
2. a test part (``test_split``) and a validation part (``validation_split``) are
   held out at random, within each class for classification, by the one
   hold-out rule of the engine; the test rows are never used to train or stop;
3. each input column's rule is learned on the training rows
   (:mod:`glassnet.tools.columns`: numbers, categories, dates, dropped columns)
   and the encoded inputs are standardised, x' = (x − mean) / scale
   (:mod:`glassnet.tools.scaling`), and so is a numeric target;
4. the network trains with early stopping on the validation loss, ending with
   the weights of the best epoch.

The model file keeps it all in ``net.metadata`` as plain JSON: ``columns`` (the
per-column rules), ``feature_names`` (the encoded inputs, e.g.
``island=Biscoe``), the scalings, ``target_name``, ``task`` and ``class_names``;
so ``predict`` reads raw rows by column name (any order, extra columns ignored)
and answers with class names, or numbers in the target's own units::

    net, report = train_table("penguins.csv", target="species")
    net.save("penguins.gnet")
    labels, proba, warnings = predict_table(net, "new.csv")

Output layer and loss, chosen from the task:

==============  =========================  ===========================
target          output layer               loss (default)
==============  =========================  ===========================
two classes     1 sigmoid unit: P(class 1) binary_crossentropy
k > 2 classes   k softmax units            categorical_crossentropy
numbers         1 linear unit              mse
==============  =========================  ===========================
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import losses, metrics
from glassnet.callbacks import EarlyStopping
from glassnet.network import Network, mlp
from glassnet.tools.columns import CellError, encode_columns, encoded_names
from glassnet.tools.preprocess import (
    TASKS,
    Target,
    input_columns,
    learn_columns,
    stratified_split,
    summary_rows,
    target_of,
)
from glassnet.tools.readers import Table, read_table
from glassnet.tools.scaling import scale_features, scale_targets, standardise, unscale_targets
from glassnet.validation import check_range

__all__ = [
    "TASKS", "TrainReport", "train_table", "predict_table", "evaluate_table",
    "labelled_rows", "check_model", "as_table", "score",
]


@dataclass
class TrainReport:
    """What :func:`train_table` did, for the summary tables."""

    task: str
    reason: str
    columns: list[tuple[str, str, int]]
    feature_names: list[str]
    class_names: list[str] | None
    epochs_run: int
    best_epoch: int | None
    #: split name ("train", "validation", "test") → {"rows": n, "loss": …, "accuracy": …}
    figures: dict[str, dict[str, float]] = field(default_factory=dict)
    #: things worth a second look (dropped rows, integer classes), one line each
    notes: list[str] = field(default_factory=list)


def as_table(source: Any) -> Table:
    """A :class:`~glassnet.tools.readers.Table` from a CSV path, a DataFrame or a Table."""
    if isinstance(source, Table):
        return source
    if isinstance(source, (str, os.PathLike)):
        return read_table(source)
    from glassnet.tools.readers import table_from_frame

    return table_from_frame(source)


def _outputs(target: Target, loss: str | None) -> tuple[np.ndarray, str, str]:
    """Y (n, k) for the network, its output activation and default loss."""
    if target.class_names is None:
        if loss == "categorical_crossentropy":
            raise ValueError(
                f"categorical_crossentropy needs class labels, but the target column "
                f"{target.name!r} holds numbers; use --task classification, or "
                f"binary_crossentropy for probabilities in [0, 1], or a regression loss."
            )
        out = "sigmoid" if loss == "binary_crossentropy" else "linear"
        return target.values.reshape(-1, 1).astype(np.float64), out, "mse"
    if len(target.class_names) == 2:
        return target.values.reshape(-1, 1).astype(np.float64), "sigmoid", "binary_crossentropy"
    return np.eye(len(target.class_names))[target.values], "softmax", "categorical_crossentropy"


def _parts(target: Target, validation_split: float, test_split: float, seed: int | None):
    """Rows (indices into the target's kept rows) to train, validate and test on."""
    rng = np.random.default_rng(seed)
    labels = target.values if target.class_names is not None else None
    n = target.rows.size
    for value, name in ((test_split, "test_split"), (validation_split, "validation_split")):
        check_range(value, name, 0, 1, high_open=True, noun="a fraction")
    try:
        rest, test = stratified_split(labels, n, test_split, rng, "test_split")
    except ValueError:
        raise ValueError(
            f"{n} row(s) are too few to hold out a test split of {test_split:g} and keep "
            "rows to train on; lower --test-split (0: none), or train on a bigger file."
        ) from None
    sub = None if labels is None else labels[rest]
    try:
        train, val = stratified_split(sub, rest.size, validation_split, rng)
    except ValueError:  # too few rows to hold any out: train on all, and say so
        target.notes.append(
            f"{rest.size} row(s) are too few to hold out a validation split of "
            f"{validation_split:g}: trained on all of them, without early stopping"
        )
        train, val = np.arange(rest.size), np.arange(0)
    return rest[train], rest[val], test


def _metadata(table: Table, target: Target, specs: list[dict], X_train: np.ndarray) -> dict:
    names = [n for spec in specs for n in encoded_names(spec)]
    mean, scale = standardise(X_train, names)
    meta: dict[str, Any] = {
        "task": target.task, "task_reason": target.reason, "target_name": target.name,
        "columns": specs, "feature_names": names,
        "feature_mean": mean.tolist(), "feature_scale": scale.tolist(),
    }
    if target.class_names is not None:
        meta["class_names"] = list(target.class_names)
    return meta


def encode(net_or_meta: Any, source: Any) -> tuple[np.ndarray, list[str], Table]:
    """The raw rows of a table as the network's standardised inputs (n, d), the
    warnings (unseen categories, one line per column) and the table."""
    meta = net_or_meta if isinstance(net_or_meta, dict) else check_model(net_or_meta)
    table = as_table(source)
    index = table.index()
    needed = [s["name"] for s in meta["columns"] if s["kind"] != "dropped"]
    missing = [name for name in needed if name not in index]
    if missing:
        raise ValueError(
            f"{table.path} has no column {missing[0]!r}, which the model was trained on; the "
            f"model needs the columns {', '.join(needed)} (in any order, others are ignored)."
        )
    cells = {name: table.columns[index[name]] for name in needed}
    try:
        X, warnings = encode_columns(meta["columns"], cells)
    except CellError as exc:
        raise table.cell_error(exc) from None
    return scale_features(X, meta), warnings, table


def score(net: Network, X_scaled: np.ndarray, Y: np.ndarray, loss: Any = None) -> dict[str, float]:
    """The loss (on the network's targets Y, standardised for regression), and
    accuracy, or mae, rmse and r2 in the target's own units."""
    out = net.predict(X_scaled)
    figures = {"rows": float(len(Y))}
    if loss is not None and len(Y):
        figures["loss"] = float(losses.get(loss).value(Y, out))
    if net.metadata.get("task") == "classification":
        figures["accuracy"] = metrics.accuracy(Y, out)
        return figures
    y, yhat = unscale_targets(Y, net.metadata), unscale_targets(out, net.metadata)
    for name in ("mae", "rmse", "r2"):
        figures[name] = metrics.get(name)(y, yhat)
    return figures


def train_table(
    source: Any,
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
    validation_split: float = 0.2,
    test_split: float = 0.0,
    patience: int = 20,
    weight_decay: float = 0.0,
    dropout: float = 0.0,
    ignore: Sequence[str] = (),
    features: Sequence[str] | None = None,
    seed: int | None = 0,
    verbose: int = 0,
) -> tuple[Network, TrainReport]:
    """Train a network on a table (CSV path or DataFrame); returns it (metadata
    filled) and a report. See the module docstring for the steps.

    With a validation part, training stops once the validation loss has not
    improved for ``patience`` epochs and keeps the best epoch's weights.
    """
    table = as_table(source)
    if target not in table.index():
        from glassnet.tools.readers import target_index

        target_index(table, target)  # the sentence with "did you mean"
    goal = target_of(table, target, task)
    specs_names = input_columns(table, target, ignore, features)
    Y, out_activation, default_loss = _outputs(goal, loss)
    train, val, test = _parts(goal, validation_split, test_split, seed)
    specs = learn_columns(table, specs_names, goal.rows[train])
    raw, _ = encode_columns(specs, {s["name"]: table.cells(s["name"]) for s in specs
                                    if s["kind"] != "dropped"})
    raw = raw[goal.rows]
    meta = _metadata(table, goal, specs, raw[train])
    if goal.class_names is None and not losses.get(loss or default_loss).accepts_labels:
        target_mean, target_scale = standardise(Y[train], [target])
        meta["target_mean"], meta["target_scale"] = target_mean.tolist(), target_scale.tolist()
        Y = scale_targets(Y, meta)
    X = scale_features(raw, meta)
    net = mlp([X.shape[1], *hidden, Y.shape[1]], activation=activation, output=out_activation,
              init="xavier", dropout=dropout, seed=seed)
    net.metadata = meta
    stopper = EarlyStopping(patience=patience) if val.size else None
    history = net.fit(
        X[train], Y[train], epochs=epochs, lr=lr, loss=loss or default_loss,
        optimizer=optimizer, batch_size=batch_size, shuffle=True,
        validation_data=(X[val], Y[val]) if val.size else None, verbose=verbose,
        callbacks=[stopper] if stopper else [], weight_decay=weight_decay or None,
    )
    report = TrainReport(
        goal.task, goal.reason, summary_rows(specs), meta["feature_names"], goal.class_names,
        len(history.loss), None if stopper is None else stopper.best_epoch, notes=goal.notes,
    )
    for name, rows in (("train", train), ("validation", val), ("test", test)):
        if rows.size:
            report.figures[name] = score(net, X[rows], Y[rows], net.loss)
    return net, report


def check_model(net: Network) -> dict[str, Any]:
    """The table metadata of a model file, or a sentence saying what is missing."""
    meta = getattr(net, "metadata", None) or {}
    needed = ["task", "feature_names", "columns"] + (
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


def class_probabilities(net: Network, X_scaled: np.ndarray) -> np.ndarray:
    """(n, k) probabilities, columns in ``class_names`` order (sigmoid → [1 − p, p])."""
    out = net.predict(X_scaled)
    return np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out


def predict_table(net: Network, source: Any) -> tuple[list[Any], np.ndarray | None, list[str]]:
    """Predictions for every row of a table, in order: class names (and
    probabilities, (n, k)) for a classifier, numbers (and None) for a
    regressor; and the warnings (unseen categories)."""
    meta = check_model(net)
    X, warnings, _ = encode(meta, source)
    if meta["task"] == "classification":
        proba = class_probabilities(net, X)
        names = meta["class_names"]
        return [names[k] for k in np.argmax(proba, axis=1)], proba, warnings
    return [float(v) for v in unscale_targets(net.predict(X), meta)[:, 0]], None, warnings


def labelled_rows(net: Network, source: Any, target: str, rows: int | None = None,
                  standardised: bool = True) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The first ``rows`` labelled rows of a table as the network sees them: X
    (n, d) and Y (n, k) coded as in training (one-hot, 0/1, numbers; a numeric
    target standardised unless ``standardised=False``). Rows whose target is
    missing are left out; the notes say how many (and the encoding's warnings)."""
    meta = check_model(net)
    X, warnings, table = encode(meta, source)
    if target not in table.index():
        from glassnet.tools.readers import target_index

        target_index(table, target)
    goal = target_of(table, target, meta["task"], training=False)
    X = X[goal.rows]
    if meta["task"] == "regression":
        Y = goal.values.reshape(-1, 1)
        Y = scale_targets(Y, meta) if standardised else Y
    else:
        names = list(meta["class_names"])
        found = goal.class_names or []
        unknown = [c for c in found if c not in names]
        if unknown:
            raise ValueError(
                f"{table.path}: column {target!r} holds class {unknown[0]!r}, which the "
                f"model was not trained on; it knows {', '.join(names)}."
            )
        codes = np.array([names.index(found[c]) for c in goal.values])
        Y = np.eye(len(names))[codes] if len(names) > 2 else codes.reshape(-1, 1) * 1.0
    return X[:rows], Y[:rows], goal.notes + warnings


def evaluate_table(net: Network, source: Any, target: str
                   ) -> tuple[dict[str, float], np.ndarray | None, list[str]]:
    """Figures on a labelled table, the confusion matrix for a classifier (rows:
    true class, columns: predicted class, in ``class_names`` order), and notes."""
    meta = check_model(net)
    X, Y, notes = labelled_rows(net, source, target)
    figures = score(net, X, Y)
    if meta["task"] == "regression":
        return figures, None, notes
    k = len(meta["class_names"])
    true = Y[:, 0].astype(np.intp) if Y.shape[1] == 1 else np.argmax(Y, axis=1)
    predicted = np.argmax(class_probabilities(net, X), axis=1)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (true, predicted), 1)
    return figures, confusion, notes
