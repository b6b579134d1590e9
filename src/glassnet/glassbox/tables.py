"""One named table of a layer trace: its numbers (a copy, so later training does not
change them), row and column labels, and for each cell the cells it came from.

``role`` says where the table sits in one step: ``given`` (an input or a
parameter, a plain number), ``forward`` (computed by the forward pass) or
``backward`` (by back-propagation). ``sources`` maps a cell (i, j) to the cells
(table, row, column) it was computed from; the HTML report lights them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: cell (i, j) → the (table, row, column) cells it was computed from
Sources = dict[tuple[int, int], list[tuple[str, int, int]]]


@dataclass
class Table:
    """One named table: the numbers, their row and column labels, and a note."""

    name: str
    values: np.ndarray
    rows: list[str]
    columns: list[str]
    note: str = ""
    layer: int = 0
    role: str = "forward"
    sources: Sources = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = np.array(self.values, dtype=np.float64, ndmin=2)

    def to_text(self, decimals: int = 3, max_rows: int = 12) -> str:
        """The table as aligned text (at most ``max_rows`` rows; blanks where a row is
        shorter than the table)."""
        shown = self.values[:max_rows]
        width = max([len(c) for c in self.columns] + [decimals + 6])
        label = max([len(r) for r in self.rows[:max_rows]] + [1])
        lines = [f"{self.name}  ({self.note})" if self.note else self.name,
                 " " * label + " " + " ".join(f"{c:>{width}}" for c in self.columns)]
        for r, row in zip(self.rows, shown):
            cells = " ".join(" " * width if np.isnan(v) else f"{v:>{width}.{decimals}f}"
                             for v in row)
            lines.append(f"{r:<{label}} {cells}".rstrip())
        if len(self.values) > max_rows:
            lines.append(f"… {len(self.values) - max_rows} more rows")
        return "\n".join(lines)


def kept(value: np.ndarray | None, what: str) -> np.ndarray:
    """An array a layer keeps from its last pass, or a sentence if it has none."""
    if value is None:
        raise ValueError(f"The layer has no {what} yet: run a forward and backward pass first "
                         "(net.trace does).")
    return value


def block(rows: list[tuple[str, np.ndarray]]) -> np.ndarray:
    """Rows of different lengths as one table, NaN (shown blank) where a row is shorter."""
    width = max(len(v) for _, v in rows)
    values = np.full((len(rows), width), np.nan)
    for r, (_, v) in enumerate(rows):
        values[r, : len(v)] = v
    return values
