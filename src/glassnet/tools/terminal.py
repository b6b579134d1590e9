"""What the command line prints and writes: aligned tables, figures, output files.

Shared by every ``glassnet`` command (see :mod:`glassnet.tools.cli`), so that a
new command prints its tables as the others do. Tables are plain text, left
column left-aligned, the others right-aligned, two spaces between columns.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


def table(rows: Sequence[Sequence[object]], left: int = 1) -> str:
    """Rows of cells as aligned text (the first row is the header); the first
    ``left`` columns are aligned left, the others right."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).rjust(w) if i >= left else str(cell).ljust(w)
                  for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    )


def fmt(value: float, decimals: int = 4) -> str:
    """Plain decimals, so that figures of one table line up: ``decimals`` places
    below 10⁴, 1 above (a price's mae), scientific only where decimals would
    hide the number."""
    size = abs(value)
    if value == 0 or 10.0 ** (1 - decimals) <= size < 1e4:
        return f"{value:.{decimals}f}"
    if 1e4 <= size < 1e12:
        return f"{value:.1f}"
    return f"{value:.4g}"


def check_writable(path: str, what: str) -> None:
    """Refuse an output path before any work is done (the write itself is atomic)."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise UsageError(f"{what} {path!r} is a directory; give a file name.")
    problem = (
        "does not exist" if not os.path.isdir(directory)
        else "is not writable" if not os.access(directory, os.W_OK)
        else None
    )
    if problem:
        raise UsageError(f"Cannot write {what} {path!r}: the directory {directory!r} {problem}.")


def write_text(path: str | None, text: str) -> None:
    """``text`` to ``path`` atomically, or to stdout when ``path`` is None."""
    if path is None:
        sys.stdout.write(text)
        return
    from glassnet._files import atomic_write

    with atomic_write(path, "w") as handle:
        handle.write(text)


def note(text: str) -> None:
    """A note or warning for the user: on stderr, so stdout stays machine-readable."""
    print(text, file=sys.stderr)
