"""The tables and JSON documents that ``glassnet train``, ``evaluate`` and
``explain`` print; every text table and line fits the terminal (an 80-column
one included: text wraps, whole, onto indented lines; see
:func:`glassnet.tools.terminal.table`).

``train --json`` prints one object::

    {"task": "classification", "reason": "...", "model": "penguins.gnet",
     "epochs": 87, "best_epoch": 67, "class_names": [...],
     "columns": [{"column": "island", "done": "one-hot, 3 categories", "inputs": 3}, ...],
     "metrics": {"train": {"rows": 220, "loss": ..., "accuracy": ...},
                 "validation": {...}, "test": {...}},
     "notes": [...]}

``evaluate --json`` prints ``{"task": ..., "rows": n, "metrics": {"accuracy": ...}}``
(``mae``, ``rmse``, ``r2`` for regression), with ``class_names`` and
``confusion`` (rows: true class, columns: predicted) for a classifier.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from glassnet.tools.terminal import columns, fmt, table, wrap


def _network(net: Any) -> str:
    widths = [net.n_inputs] + [d.n_units for d in net.dense_layers]
    return f"{' → '.join(map(str, widths))} ({net.n_params} parameters)"


def columns_table(report: Any) -> str:
    """Per input column: what was done to it and how many inputs it became."""
    rows = [("column", "what was done", "inputs")]
    rows += list(report.columns)
    return table(rows, left=2)


def _kept_epoch(report: Any) -> int:
    """The (1-based) epoch whose weights were saved: the best one with early stopping."""
    return report.epochs_run if report.best_epoch is None else report.best_epoch + 1


def figures_table(report: Any, target_name: str) -> str:
    """train, validation and test figures side by side, of the saved weights."""
    parts = list(report.figures)
    names = ["rows"] + [k for k in report.figures[parts[0]] if k != "rows"]
    rows: list[tuple[Any, ...]] = [(f"saved weights (epoch {_kept_epoch(report)})", *parts)]
    for name in names:
        label = name
        if name == "loss" and report.task == "regression":
            label = f"loss (standardised {target_name})"
        cells = [report.figures[p].get(name) for p in parts]
        shown = [int(v) if name == "rows" else fmt(v) for v in cells if v is not None]
        rows.append((label, *shown, *([""] * (len(parts) - len(shown)))))
    return table(rows)


def loss_note(net: Any, report: Any) -> str:
    """Which loss is which: the table's is computed after training on the saved
    weights; the progress bar's last one is the mean over the last epoch's batches
    (:attr:`History.loss`), each batch's loss taken before its update."""
    dropout = any(type(layer).__name__ == "Dropout" for layer in net.layers)
    return wrap(
        "loss: computed after training, on the saved weights. The progress bar's loss is "
        "the mean over an epoch's batches, each taken before its update"
        + (" and with dropout on" if dropout else "")
        + f" (epoch {report.epochs_run}: loss={net.history.loss[-1]:.5g})."
    )


def train_text(net: Any, report: Any, out: str) -> str:
    meta = net.metadata
    lines = [wrap(f"task: {report.task} ({report.reason})")]
    if report.class_names:
        lines.append(wrap(f"classes: {', '.join(report.class_names)}"))
    lines += ["", columns_table(report), "", figures_table(report, meta["target_name"])]
    lines += [loss_note(net, report), ""]
    best = f" (best: epoch {report.best_epoch + 1})" if report.best_epoch is not None else ""
    lines.append(wrap(f"network: {_network(net)}, {report.epochs_run} epochs{best}"))
    lines.append(wrap(f"model file: {out}", paths=True))
    return "\n".join(lines)


def _clean(figures: dict[str, float]) -> dict[str, Any]:
    return {k: int(v) if k == "rows" else float(v) for k, v in figures.items()}


def train_json(net: Any, report: Any, out: str) -> str:
    doc = {
        "task": report.task, "reason": report.reason, "model": out,
        "epochs": report.epochs_run,
        "best_epoch": None if report.best_epoch is None else report.best_epoch + 1,
        "class_names": report.class_names,
        "columns": [{"column": c, "done": d, "inputs": n} for c, d, n in report.columns],
        "metrics": {part: _clean(f) for part, f in report.figures.items()},
        "notes": report.notes,
    }
    return json.dumps(doc)


def evaluate_json(net: Any, figures: dict[str, float], confusion: np.ndarray | None) -> str:
    figures = _clean(figures)
    doc: dict[str, Any] = {"task": net.metadata["task"], "rows": figures.pop("rows"),
                           "metrics": figures}
    if confusion is not None:
        doc["class_names"] = list(net.metadata["class_names"])
        doc["confusion"] = confusion.tolist()
    return json.dumps(doc)


def flow(pieces: list[str], width: int) -> str:
    """Pieces (words, or ``1 name,`` items that must stay whole) joined by spaces
    in lines of at most ``width``, broken only between pieces; a piece longer
    than a line gets lines of its own, wrapped."""
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += " " + piece
        elif len(piece) <= width:
            lines.append(piece)
        else:
            lines += wrap(piece, width).splitlines()
    return "\n".join(lines)


def numbered(intro: str, names: list[str], width: int) -> str:
    """``intro`` then ``1 name, 2 name, …``, a number never apart from its name."""
    items = [f"{j + 1} {name}," for j, name in enumerate(names)]
    items[-1] = items[-1][:-1] + "."
    return flow(intro.split() + items, width)


def explain_legend(net: Any, width: int | None = None) -> str:
    """What the X and output columns of the trace are, and how X was standardised."""
    width = width or columns()
    meta = net.metadata
    text = [numbered("X: the inputs after preprocessing, standardised with the training rows' "
                     "mean and standard deviation, x' = (x - mean) / std. Its columns:",
                     list(meta["feature_names"]), width)]
    if meta.get("class_names"):
        classes = list(meta["class_names"])
        if len(classes) == 2:
            text.append(flow(f"Output: one column, P({classes[1]}) (1 - it is "
                             f"P({classes[0]})).".split(" "), width))
        else:
            text.append(numbered("Output columns:", classes, width))
    else:
        text.append(flow(f"Output: the standardised {meta['target_name']}, "
                         "y' = (y - mean) / std of the training rows.".split(" "), width))
    return "\n".join(text) + "\n"
