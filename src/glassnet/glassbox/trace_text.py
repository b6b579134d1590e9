"""A trace as text: each step's equation, then its operands and results side by side.

::

    Step 2  Calculate hidden layer input
      hidden_layer_input = matrix_dot_product(X, wh) + bh

      X                   wh                 bh                 │ hidden_layer_input
      1.00 0.00 1.00 0.00  0.42 0.88 0.55    0.46 0.72 0.08     │ 1.48 1.78 1.10
      ...

Numbers are rounded to ``decimals``; at most ``max_rows`` rows of a matrix are
shown (then ``⋮``) and columns that would not fit in ``width`` are cut (``…``).
Blocks that do not fit beside each other wrap onto the next lines.
"""

from __future__ import annotations

import textwrap

import numpy as np

_GAP = "   "


def _block(name: str, arr: np.ndarray, decimals: int, max_rows: int, width: int) -> list[str]:
    """The lines of one matrix: its name, then its rounded rows, all one width."""
    cells = [[f"{v:.{decimals}f}" for v in row] for row in arr[:max_rows]]
    cell_w = max((len(c) for row in cells for c in row), default=1)
    n_cols = arr.shape[1]
    fit = max(1, min(n_cols, (width + 1) // (cell_w + 1)))
    if fit < n_cols:  # leave room for the "…" column
        fit = max(1, min(n_cols, (width - 1) // (cell_w + 1)))
    lines = [" ".join(c.rjust(cell_w) for c in row[:fit]) + (" …" if fit < n_cols else "")
             for row in cells]
    if arr.shape[0] > max_rows:
        lines.append("⋮".rjust(cell_w) + f"  ({arr.shape[0] - max_rows} more rows)")
    body_w = max(len(line) for line in lines)
    header = name if len(name) <= width else name[: width - 1] + "…"
    w = max(body_w, len(header))
    return [header.ljust(w)] + [line.ljust(w) for line in lines]


def _side_by_side(blocks: list[list[str]], width: int, indent: str) -> list[str]:
    """Place blocks left to right, starting a new band when the next would pass width."""
    out: list[str] = []
    band: list[list[str]] = []
    used = len(indent)

    def flush():
        if not band:
            return
        height = max(len(b) for b in band)
        for r in range(height):
            parts = [b[r] if r < len(b) else " " * len(b[0]) for b in band]
            out.append((indent + _GAP.join(parts)).rstrip())
        out.append("")

    for block in blocks:
        w = len(block[0])
        if band and used + len(_GAP) + w > width:
            flush()
            band, used = [], len(indent)
        used += (len(_GAP) if band else 0) + w
        band.append(block)
    flush()
    return out


def render_text(trace, width: int = 100, decimals: int = 2, max_rows: int = 8) -> str:
    """The whole trace as text no wider than ``width`` columns."""
    if width < 40:
        raise ValueError(f"width must be at least 40 columns, but got {width}.")
    indent = "  "
    inner = width - len(indent)
    lines = textwrap.wrap(
        f"One iteration of gradient descent: loss {trace.loss.name} = "
        f"{trace.loss_value:.6g}, learning_rate = {trace.lr:g}", width) + [""]
    for step in trace.steps:
        lines += textwrap.wrap(f"Step {step.number}  {step.title}", width,
                               subsequent_indent=indent)
        for part in step.equation.split(";  "):
            lines += textwrap.wrap(part, width, initial_indent=indent,
                                   subsequent_indent=indent * 3)
        if step.note:
            lines += textwrap.wrap(step.note, width, initial_indent=indent,
                                   subsequent_indent=indent)
        lines.append("")
        blocks = [_block(n, trace[n], decimals, max_rows, inner) for n in trace.operands(step)]
        results = [_block(n, a, decimals, max_rows, inner) for n, a in step.arrays.items()]
        if blocks:  # mark where the results start
            results[0] = [("= " + line) if r == 0 else ("  " + line)
                          for r, line in enumerate(results[0])]
            results[0] = [line[:inner] for line in results[0]]
        lines += _side_by_side(blocks + results, width, indent)
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"
