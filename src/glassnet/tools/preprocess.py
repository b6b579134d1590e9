"""From a raw table to a network's inputs and targets: which columns, which task.

:func:`target_of` reads the target column: rows whose target is missing are
dropped (with a note), and the task is chosen as a person would guess it:

- text (or ``true``/``false``) in the target: classes;
- integers with few distinct values — at most :data:`MAX_INTEGER_CLASSES`, and
  at most one per :data:`ROWS_PER_INTEGER_CLASS` rows — classes, with a note saying
  how to override (``--task regression``); this rule applies to the target only;
- any other numbers: regression.

:func:`learn_columns` then decides, column by column, on the training rows,
what the network sees (the rules of :mod:`glassnet.tools.columns`), after
``ignore`` and ``features``; :func:`summary_rows` says per column what was done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from glassnet.tools.columns import (
    MIN_ROWS_FOR_ID_RULES,
    CellError,
    encoded_names,
    learn_column,
    missing_mask,
    parse_numbers,
    plain_numbers,
)
from glassnet.tools.readers import Table
from glassnet.training import hold_out

TASKS = ("auto", "classification", "regression")
MAX_INTEGER_CLASSES = 20
ROWS_PER_INTEGER_CLASS = 5


@dataclass
class Target:
    """The target column read for training: ``rows`` kept (the target present),
    ``codes`` (class codes) or ``values`` (numbers), the task and why."""

    name: str
    task: str
    reason: str
    rows: np.ndarray
    values: np.ndarray
    class_names: list[str] | None = None
    notes: list[str] = field(default_factory=list)


def _class_names_of_numbers(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    levels = np.unique(values)
    names = [str(int(v)) if v == int(v) else repr(float(v)) for v in levels]
    return names, np.searchsorted(levels, values)


def _numeric_target(table: Table, name: str, cells, task: str, n: int) -> Target | None:
    rows = np.arange(n)
    try:
        values = parse_numbers(cells, name, np.zeros(n, dtype=bool))
    except CellError:
        if task == "regression":
            raise
        return None
    integers = bool(np.all(values == np.round(values)))
    k = len(np.unique(values))
    few = integers and k <= MAX_INTEGER_CLASSES and k * ROWS_PER_INTEGER_CLASS <= n
    if task == "regression" or (task == "auto" and not few):
        return Target(name, "regression", "the target holds numbers", rows, values)
    names, codes = _class_names_of_numbers(values)
    if task == "classification":
        return Target(name, "classification", "--task classification", rows, codes, names)
    reason = f"the target holds {k} distinct integers (at most {MAX_INTEGER_CLASSES})"
    note = (f"the target {name!r} holds only the integers {', '.join(names[:6])}"
            f"{', …' if k > 6 else ''}: taken as {k} classes; for numbers, use --task regression")
    return Target(name, "classification", reason, rows, codes, names, [note])


def target_of(table: Table, name: str, task: str = "auto", training: bool = True) -> Target:
    """The target column of a table (see the module docstring); ``training``
    refuses a target of one class."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, but got {task!r}.")
    cells = table.cells(name)
    missing = missing_mask(cells)
    kept = np.flatnonzero(~missing)
    notes = []
    if missing.any():
        notes.append(f"{int(missing.sum())} row(s) with a missing target {name!r} dropped")
    if kept.size == 0:
        raise ValueError(f"{table.path}: the target column {name!r} has no value in any row.")
    present = [str(cells[i]).strip() for i in kept]
    try:
        target = _numeric_target(table, name, present, task, kept.size)
    except CellError as exc:
        raise table.cell_error(CellError(int(kept[exc.row]), name, exc.text,
                                         "--task regression needs a number there")) from None
    if target is None:
        names = sorted(set(present))
        index = {level: k for k, level in enumerate(names)}
        why = "--task classification" if task == "classification" else "the target holds text"
        target = Target(name, "classification", why, kept,
                        np.array([index[t] for t in present]), names)
    target.rows = kept
    target.notes = notes + target.notes
    if training and target.class_names is not None and len(target.class_names) < 2:
        raise ValueError(
            f"The target column {name!r} holds only one class ({target.class_names[0]!r}); "
            "a classifier needs at least two."
        )
    return target


def input_columns(table: Table, target: str, ignore: Sequence[str] = (),
                  features: Sequence[str] | None = None) -> list[str]:
    """The columns to learn from: ``features`` (all but the target when None),
    minus ``ignore``; unknown names are refused."""
    known = set(table.names)
    for name in [*ignore, *(features or ())]:
        if name not in known:
            raise ValueError(
                f"{table.path} has no column {name!r} (named in --ignore or --features); "
                f"its columns are {', '.join(table.names)}."
            )
    chosen = list(features) if features else table.names
    skip = set(ignore) | {target}
    names = [n for n in chosen if n not in skip]
    if not names:
        raise ValueError(f"{table.path}: no feature column is left besides the target.")
    return names


def _plain_specs(table: Table, names: Sequence[str], rows: np.ndarray) -> list[dict] | None:
    """The specs at once when every cell is a finite number (a wide table of numbers)."""
    values = plain_numbers([table.cells(name)[rows] for name in names])
    if values is None or values.shape[0] < 1:
        return None
    medians = np.median(values, axis=0)
    counter = (values.shape[0] >= MIN_ROWS_FOR_ID_RULES) & np.all(values == np.round(values), 0)
    counter &= np.all(np.diff(values, axis=0) > 0, axis=0)
    return [
        {"name": name, "kind": "dropped", "why": "a row counter (increasing integers)"}
        if counter[j] else {"name": name, "kind": "number", "median": float(medians[j]),
                            "indicator": False}
        for j, name in enumerate(names)
    ]


def learn_columns(table: Table, names: Sequence[str], rows: np.ndarray) -> list[dict]:
    """One spec per input column, learned from the given (training) rows."""
    specs = _plain_specs(table, names, rows) or []
    for name in names if not specs else ():
        cells = table.cells(name)[rows]
        try:
            specs.append(learn_column(name, cells))
        except CellError as exc:
            raise table.cell_error(CellError(int(rows[exc.row]), name, exc.text, exc.need)) \
                from None
    if not any(spec["kind"] != "dropped" for spec in specs):
        why = "; ".join(f"{s['name']}: {s['why']}" for s in specs)
        raise ValueError(f"{table.path}: every feature column was dropped ({why}).")
    return specs


def _done(spec: dict) -> str:
    kind = spec["kind"]
    if kind == "dropped":
        return f"dropped: {spec['why']}"
    if kind == "category":
        extra = f" + {spec['name']}=(missing)" if spec["missing"] else ""
        return f"one-hot, {len(spec['categories'])} categories{extra}"
    if kind == "date":
        return "date → " + ", ".join(p["name"].rsplit(".", 1)[1] for p in spec["parts"])
    if spec["indicator"]:
        return f"number; missing → median {spec['median']:g} + indicator"
    return "number"


def summary_rows(specs: list[dict]) -> list[tuple[str, str, int]]:
    """(column, what was done, inputs it became) per input column."""
    return [(spec["name"], _done(spec), len(encoded_names(spec))) for spec in specs]


def stratified_split(labels: np.ndarray | None, n: int, fraction: float,
                     rng: np.random.Generator, name: str = "validation_split"
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Rows to keep and rows to hold out (sorted indices into 0..n−1).

    How many are held out is the engine's one rule, :func:`glassnet.training.hold_out`
    (the rule of ``fit(validation_split=)`` and the scikit-learn estimators):
    ⌊n (1 − fraction)⌋ rows kept, the other ⌈n · fraction⌉ held out, drawn at
    random from ``rng``. For numbers (``labels`` None) those are the rows. For
    classes the same number is drawn class by class: each class's rows in random
    order, ranked r = 0, 1, …, m − 1 within the class, and the rows held out are
    those of smallest (r + u) / m (u uniform in [0, 1), one per class), so every
    class is held out in proportion to its size, within one row.
    """
    if not fraction:
        return np.arange(n), np.arange(0)
    keep, held = hold_out(n, fraction, rng, name)
    if labels is None:
        return keep, held
    key = np.empty(n)
    for code in np.unique(labels):
        members = np.flatnonzero(labels == code)
        rank = rng.permutation(members.size)
        key[members] = (rank + rng.uniform()) / members.size
    order = np.argsort(key, kind="stable")
    return np.sort(order[held.size:]), np.sort(order[: held.size])
