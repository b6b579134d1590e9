"""The preprocessing rules a model file carries (``metadata.columns``), checked on load.

Each rule is what :mod:`glassnet.tools.columns` learned of one input column
(``number``: its median and whether a missing-value indicator follows;
``date``: its parts, each a number rule; ``category``: its categories; ``dropped``:
why). A rule of the wrong type or shape is refused naming its field, and the
network's input names the rules produce (:func:`~glassnet.tools.columns.encoded_names`)
must be ``metadata.feature_names``, in order: a file whose rules say something
else than its network reads is refused rather than predicting on shifted columns.
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.tools.columns import encoded_names
from glassnet.tools.model_checks import FieldError, typed

KINDS = ("number", "date", "category", "dropped")


def _number(rule: dict, field: str) -> None:
    median = typed(rule.get("median"), (int, float), f"{field}.median", "a finite number")
    if not math.isfinite(median):
        raise FieldError(f"{field}.median", f"must be a finite number, but is {median!r}.")
    typed(rule.get("indicator"), bool, f"{field}.indicator", "true or false")


def _rule(rule: Any, field: str) -> None:
    typed(rule, dict, field, "a column rule (an object)")
    typed(rule.get("name"), str, f"{field}.name", "a column name (text)")
    kind = rule.get("kind")
    if kind not in KINDS:
        raise FieldError(f"{field}.kind", f"must be one of {', '.join(KINDS)}, but is {kind!r}.")
    if kind == "number":
        _number(rule, field)
    elif kind == "date":
        parts = typed(rule.get("parts"), list, f"{field}.parts", "a list of number rules")
        for k, part in enumerate(parts):
            typed(part, dict, f"{field}.parts[{k}]", "a number rule (an object)")
            typed(part.get("name"), str, f"{field}.parts[{k}].name", "a part name (text)")
            _number(part, f"{field}.parts[{k}]")
    elif kind == "category":
        levels = typed(rule.get("categories"), list, f"{field}.categories", "a list of text")
        for k, level in enumerate(levels):
            typed(level, str, f"{field}.categories[{k}]", "a category (text)")
        if len(set(levels)) != len(levels):
            raise FieldError(f"{field}.categories", "repeats a category.")
        typed(rule.get("missing"), bool, f"{field}.missing", "true or false")
    else:
        typed(rule.get("why"), str, f"{field}.why", "a reason (text)")


def check_columns(meta: dict[str, Any], n_inputs: int) -> None:
    """Refuse ``metadata.columns`` (and ``task_reason``) that cannot be right."""
    if meta.get("task_reason") is not None:
        typed(meta["task_reason"], str, "metadata.task_reason", "a sentence (text)")
    if meta.get("columns") is None:
        return
    rules = typed(meta["columns"], list, "metadata.columns", "a list of column rules")
    names = meta.get("feature_names") or []
    produced = 0
    for j, rule in enumerate(rules):
        field = f"metadata.columns[{j}]"
        _rule(rule, field)
        made = encoded_names(rule)
        if names[produced:produced + len(made)] != made:
            raise FieldError(f"{field}.name", f"gives the inputs {made}, which are not the "
                                              "network's inputs in metadata.feature_names there.")
        produced += len(made)
    if produced != n_inputs:
        raise FieldError("metadata.columns", f"give {produced} input(s), but the network reads "
                                             f"{n_inputs}.")
