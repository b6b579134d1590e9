"""What the command line prints and writes: aligned tables, figures, output files.

Shared by every ``glassnet`` command (see :mod:`glassnet.tools.cli`), so that a
new command prints its tables as the others do. Tables are plain text, left
column left-aligned, the others right-aligned, two spaces between columns, and
they fit the terminal (``COLUMNS``; 80 when the output is not a terminal): text
cells that do not fit wrap onto lines below, whole, and numbers are never cut.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Sequence

#: a text column is narrowed to no fewer characters than this
MIN_WRAP = 8


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


def columns() -> int:
    """The terminal's width: ``COLUMNS`` when set, else the terminal's, else 80
    (output to a pipe or a file)."""
    return shutil.get_terminal_size((80, 24)).columns


def wrap(text: str, width: int | None = None, indent: str = "  ", paths: bool = False) -> str:
    """``text`` in lines of at most ``width`` (default: :func:`columns`), the
    continuation lines indented; a word too long for a line is broken, nothing
    is dropped. With ``paths``, no word is broken (a file name stays one piece
    to copy, on a line of its own if need be, however long)."""
    lines = textwrap.wrap(text, max(width or columns(), len(indent) + 8), subsequent_indent=indent,
                          break_on_hyphens=False, break_long_words=not paths)
    return "\n".join(lines)


def _fit(widths: list[int], left: int, room: int) -> list[int]:
    """Column widths within ``room``: the widest text column (one of the first
    ``left``) gives a character at a time, down to MIN_WRAP; numbers never shrink."""
    widths = list(widths)
    while (excess := sum(widths) - room) > 0:
        shrinkable = [i for i in range(min(left, len(widths))) if widths[i] > MIN_WRAP]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        floor = max([MIN_WRAP] + [widths[i] for i in shrinkable if i != widest])
        widths[widest] -= max(1, min(excess, widths[widest] - floor))  # in one go, to the next
    return widths


def table(rows: Sequence[Sequence[object]], left: int = 1, width: int | None = None) -> str:
    """Rows of cells as aligned text (the first row is the header); the first
    ``left`` columns are aligned left, the others right.

    The table fits ``width`` columns (default: :func:`columns`): when it would
    not, the text columns (the first ``left``) are narrowed and their cells
    wrapped onto indented lines below, whole; the other columns (numbers) are
    never narrowed, so a table of many numbers can still be wider (see
    :func:`confusion_table`).
    """
    cells = [[str(cell) for cell in row] for row in rows]
    natural = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    widths = _fit(natural, left, (width or columns()) - 2 * (len(natural) - 1))
    lines = []
    for row in cells:
        parts = [textwrap.wrap(cell, w, subsequent_indent="  ", break_on_hyphens=False) or [""]
                 if i < left and len(cell) > w else [cell] for i, (cell, w) in
                 enumerate(zip(row, widths))]  # fmt: skip
        for depth in range(max(len(part) for part in parts)):
            line = [part[depth] if depth < len(part) else "" for part in parts]
            lines.append("  ".join(cell.rjust(w) if i >= left else cell.ljust(w)
                                   for i, (cell, w) in enumerate(zip(line, widths))).rstrip())
    return "\n".join(lines)


def confusion_table(names: Sequence[str], counts: Sequence[Sequence[int]],
                    width: int | None = None) -> str:
    """A confusion matrix (rows: true class, columns: predicted class) within
    ``width``: with the class names as column headers when they fit; else the
    classes are numbered (the rows say which name each number is) and, when
    even numbered columns do not fit, the columns come in blocks, one table each."""
    width = width or columns()
    title = "confusion matrix (rows: true class, columns: predicted class)"
    named = table([("", *names)] + [(n, *row) for n, row in zip(names, counts)], width=width)
    if max(len(line) for line in named.splitlines()) <= width:
        return f"{wrap(title, width)}\n{named}"
    labels = [f"{j + 1:>{len(str(len(names)))}} {name}" for j, name in enumerate(names)]
    label_w = min(max(map(len, labels)), max(MIN_WRAP, width // 3))
    col_w = max(len(str(len(names))), *(len(str(v)) for row in counts for v in row))
    per_block = max(1, (width - label_w) // (col_w + 2))
    blocks = []
    for start in range(0, len(names), per_block):
        stop = min(start + per_block, len(names))
        header = ("true \\ predicted", *range(start + 1, stop + 1))
        body = [(label, *row[start:stop]) for label, row in zip(labels, counts)]
        blocks.append(table([header, *body], width=width))
    note = "classes numbered as the rows" + (
        f", columns in blocks of {per_block}" if len(blocks) > 1 else "")
    return wrap(f"{title}; {note}", width) + "\n" + "\n\n".join(blocks)


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
