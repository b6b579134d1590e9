"""A table's columns as a network's inputs: the preprocessing a model keeps.

Learned on the training rows by :func:`learn_column`, stored in the model file
as plain JSON (one dict per input column, ``metadata["columns"]``) and applied
by :func:`encode_columns` everywhere a model meets raw rows: ``glassnet
predict``, ``evaluate``, ``explain``, the Python API and the exported
``predict.py`` (which carries a copy of this module's source, so the rules run
from one text). Cells arrive as text, exactly as the CSV holds them; every
rule below works on that text, so glassnet and the exported script agree.

=============  ====================================  ===============================
column kind    learned                               encoded as
=============  ====================================  ===============================
number         the median of the present values;     the number, a missing cell by
               whether any cell was missing          the median, and a ``<col>
                                                     missing`` 0/1 column if any was
category       the sorted categories (a missing      one 0/1 column per category,
               cell is its own ``(missing)`` one)    ``<col>=<category>``; an unseen
                                                     one is all zeros (a warning)
date           ISO dates ``YYYY-MM-DD`` (with a      numbers: ``<col>.year``,
               time: ``.hour``, ``.minute`` too)     ``.month``, ``.day``,
                                                     ``.weekday``, then as numbers
dropped        why (a row counter, an identifier,    nothing
               too many categories, all missing)
=============  ====================================  ===============================

Missing markers (compared after stripping spaces, in any letter case): the
empty cell, ``NA``, ``N/A``, ``NaN``, ``null``, ``None``, ``?``, ``#N/A``, ``<NA>``.

>>> spec = learn_column("size", ["1", "", "3"])
>>> spec["kind"], spec["median"], spec["indicator"]
('number', 2.0, True)
>>> encode_columns([spec], {"size": ["4", "NA"]})[0].tolist()
[[4.0, 0.0], [2.0, 1.0]]
"""

from __future__ import annotations

import datetime
import re

import numpy as np

#: lower-cased, stripped cells that mean "missing"
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "#n/a", "<na>"})
#: a text column with more distinct values than this is not one-hot encoded
MAX_CATEGORIES = 50
#: the identifier and "more than half distinct" rules need at least this many rows
MIN_ROWS_FOR_ID_RULES = 10
MISSING_CATEGORY = "(missing)"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\Z")
_DATE_PARTS = ("year", "month", "day", "weekday")
_TIME_PARTS = ("hour", "minute")


class CellError(ValueError):
    """A cell that the column's rule cannot take: ``row`` (0-based data row),
    ``column`` (its name), ``text`` (the cell) and ``need`` (what was expected).
    Callers add the file and line."""

    def __init__(self, row: int, column: str, text: str, need: str):
        super().__init__(f"data row {row + 1}, column {column!r} holds {text!r}; {need}")
        self.row, self.column, self.text, self.need = row, column, text, need


def missing_mask(cells) -> np.ndarray:
    """True where a cell is a missing marker (see :data:`MISSING`)."""
    return np.array([str(c).strip().lower() in MISSING for c in cells], dtype=bool)


def parse_numbers(cells, column: str, missing: np.ndarray) -> np.ndarray:
    """float64 values of the cells, NaN where missing; a :class:`CellError` for
    the first cell that is not a finite number."""
    text = ["nan" if m else str(c) for c, m in zip(cells, missing)]
    try:
        values = np.array(text, dtype=np.float64) if text else np.zeros(0)
    except ValueError:
        values = None
    if values is None or not np.isfinite(values[~missing]).all():
        for i, (c, m) in enumerate(zip(cells, missing)):
            if m:
                continue
            try:
                ok = np.isfinite(float(c))
            except ValueError:
                ok = False
            if not ok:
                raise CellError(i, column, str(c).strip(), "the column needs finite numbers "
                                "(or a missing marker such as NA or an empty cell)") from None
    assert values is not None  # every cell parsed: the loop above found no bad one
    return values


def _is_number(cells, missing: np.ndarray) -> bool:
    try:
        np.array([c for c, m in zip(cells, missing) if not m], dtype=np.float64)
    except ValueError:
        return False
    return True  # (an inf is then refused by parse_numbers, naming its cell)


def _date_values(cells, missing: np.ndarray, column: str) -> dict[str, np.ndarray]:
    """year, month, day, weekday (Monday 0), hour, minute of ISO dates; NaN where missing."""
    parts = {name: np.full(len(missing), np.nan) for name in _DATE_PARTS + _TIME_PARTS}
    for i, (c, m) in enumerate(zip(cells, missing)):
        if m:
            continue
        text = str(c).strip()
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            when = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise CellError(i, column, text, "the column needs dates as YYYY-MM-DD "
                            "(or a missing marker)") from None
        for name, value in zip(_DATE_PARTS + _TIME_PARTS, (when.year, when.month, when.day,
                               when.weekday(), when.hour, when.minute)):
            parts[name][i] = value
    return parts


def _is_date(cells, missing: np.ndarray) -> bool:
    present = [str(c).strip() for c, m in zip(cells, missing) if not m]
    if not present or not all(_DATE.match(t) for t in present):
        return False
    try:
        _date_values(cells, missing, "")
    except CellError:
        return False
    return True


def _number_spec(name: str, values: np.ndarray) -> dict:
    present = values[~np.isnan(values)]
    return {"name": name, "kind": "number", "median": float(np.median(present)),
            "indicator": bool(present.size < values.size)}


def _is_row_counter(values: np.ndarray) -> bool:
    """Distinct integers increasing with the row (gaps allowed, as after a split)."""
    return (values.size >= MIN_ROWS_FOR_ID_RULES and not np.isnan(values).any()
            and bool(np.all(values == np.round(values))) and bool(np.all(np.diff(values) > 0)))


def _dropped(name: str, why: str) -> dict:
    return {"name": name, "kind": "dropped", "why": why}


def _text_spec(name: str, cells, missing: np.ndarray) -> dict:
    present = [str(c).strip() for c, m in zip(cells, missing) if not m]
    categories = sorted(set(present))
    n = len(missing)
    if len(categories) == len(present) and n >= MIN_ROWS_FOR_ID_RULES:
        return _dropped(name, "identifies rows (every value distinct)")
    if len(categories) > MAX_CATEGORIES or (
        n >= MIN_ROWS_FOR_ID_RULES and len(categories) > n / 2
    ):
        return _dropped(name, f"{len(categories)} distinct values, too many to encode")
    return {"name": name, "kind": "category", "categories": categories,
            "missing": bool(missing.any())}


def learn_column(name: str, cells) -> dict:
    """What to do with one input column, learned from its training cells (text)."""
    missing = missing_mask(cells)
    if missing.all():
        return _dropped(name, "every value is missing")
    if _is_number(cells, missing):
        values = parse_numbers(cells, name, missing)
        if _is_row_counter(values):
            return _dropped(name, "a row counter (increasing integers)")
        return _number_spec(name, values)
    if _is_date(cells, missing):
        parts = _date_values(cells, missing, name)
        has_time = any(np.nansum(parts[p]) > 0 for p in _TIME_PARTS)
        names = _DATE_PARTS + (_TIME_PARTS if has_time else ())
        return {"name": name, "kind": "date",
                "parts": [_number_spec(f"{name}.{p}", parts[p]) for p in names]}
    return _text_spec(name, cells, missing)


def encoded_names(spec: dict) -> list[str]:
    """The network's input names that one column becomes."""
    kind = spec["kind"]
    if kind == "number":
        return [spec["name"]] + ([f"{spec['name']} missing"] if spec["indicator"] else [])
    if kind == "date":
        return [n for part in spec["parts"] for n in encoded_names(part)]
    if kind == "category":
        levels = spec["categories"] + ([MISSING_CATEGORY] if spec["missing"] else [])
        return [f"{spec['name']}={level}" for level in levels]
    return []


def _encode_number(spec: dict, values: np.ndarray) -> tuple[np.ndarray, str | None]:
    gaps = np.isnan(values)
    out = np.where(gaps, spec["median"], values)
    warning = None
    if gaps.any() and not spec["indicator"]:
        warning = (f"column {spec['name']!r}: {int(gaps.sum())} missing (none were in "
                   f"training), filled with the training median {spec['median']:.6g}")
    if spec["indicator"]:
        return np.column_stack([out, gaps.astype(np.float64)]), warning
    return out.reshape(-1, 1), warning


def _encode_category(spec: dict, cells, missing: np.ndarray) -> tuple[np.ndarray, str | None]:
    levels = spec["categories"] + ([MISSING_CATEGORY] if spec["missing"] else [])
    index = {level: k for k, level in enumerate(levels)}
    out = np.zeros((len(missing), len(levels)))
    unseen: dict[str, int] = {}
    for i, (c, m) in enumerate(zip(cells, missing)):
        level = MISSING_CATEGORY if m else str(c).strip()
        k = index.get(level)
        if k is None:
            unseen[level] = unseen.get(level, 0) + 1
        else:
            out[i, k] = 1.0
    warning = None
    if unseen:
        first = next(iter(unseen))
        shown = "a missing value" if first == MISSING_CATEGORY else repr(first)
        more = f", {len(unseen) - 1} other value(s)" if len(unseen) > 1 else ""
        warning = (f"column {spec['name']!r}: {shown} not seen in training: zeros "
                   f"({sum(unseen.values())} row(s){more})")
    return out, warning


def encode_column(spec: dict, cells) -> tuple[np.ndarray, str | None]:
    """One column's cells (text) as the network's inputs (n, k), and a warning or None."""
    missing = missing_mask(cells)
    if spec["kind"] == "number":
        return _encode_number(spec, parse_numbers(cells, spec["name"], missing))
    if spec["kind"] == "category":
        return _encode_category(spec, cells, missing)
    if spec["kind"] == "date":
        values = _date_values(cells, missing, spec["name"])
        blocks, warnings = [], []
        for part in spec["parts"]:
            block, warning = _encode_number(part, values[part["name"].rsplit(".", 1)[1]])
            blocks.append(block)
            warnings += [warning] if warning else []
        return np.hstack(blocks), (warnings[0] if warnings else None)
    return np.zeros((len(missing), 0)), None


def plain_numbers(columns) -> np.ndarray | None:
    """The columns' cells as an (n, k) float64 array when every cell is a finite
    number (no missing marker, no text), else None: one conversion for a wide
    table of numbers instead of one per column."""
    try:
        grid = np.array([np.asarray(c, dtype=object) for c in columns], dtype=object)
        values = grid.reshape(len(columns), -1).T.astype(np.float64)
    except (ValueError, TypeError):
        return None
    return values if np.isfinite(values).all() else None


def _encode_plain(specs: list[dict], cells_by_name) -> np.ndarray | None:
    kept = [s for s in specs if s["kind"] != "dropped"]
    if not kept or any(s["kind"] != "number" for s in kept):
        return None
    values = plain_numbers([cells_by_name[s["name"]] for s in kept])
    if values is None:
        return None
    width = np.array([2 if s["indicator"] else 1 for s in kept])
    out = np.zeros((values.shape[0], int(width.sum())))
    out[:, np.cumsum(width) - width] = values  # an indicator column stays 0: none missing
    return out


def encode_columns(specs: list[dict], cells_by_name) -> tuple[np.ndarray, list[str]]:
    """Every kept column encoded, side by side in ``specs`` order: X (n, d) float64,
    and the warnings (one line per column at most). ``cells_by_name`` maps each
    column name to its cells (text), e.g. a dict of lists or a DataFrame."""
    plain = _encode_plain(specs, cells_by_name)
    if plain is not None:
        return plain, []
    blocks, warnings = [], []
    for spec in specs:
        if spec["kind"] == "dropped":
            continue
        block, warning = encode_column(spec, cells_by_name[spec["name"]])
        blocks.append(block)
        if warning:
            warnings.append(warning)
    return (np.hstack(blocks) if blocks else np.zeros((0, 0))), warnings
