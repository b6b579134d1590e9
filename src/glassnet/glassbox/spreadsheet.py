"""A trace as a live Excel workbook, laid out like the tutorial's sheet.

Only X, y, the weights, the biases and the learning rate are numbers; every
other cell is an Excel formula over them, so a learner who edits a weight sees
the whole iteration recompute::

    hidden_layer_input   =MMULT(B5:E5,G5:G8)+K5          (row of X · column of wh + bh)
    hiddenlayer_act...   =1/(1+EXP(-M5))                 (sigmoid)
    E                    =Y5-W5                          (y − output)
    slope_output_layer   =W5*(1-W5)                      (derivatives_sigmoid)
    Error_at_hidden...   =SUMPRODUCT(d_output row, wout row)
    wh_updated           =G5+$B$2*SUMPRODUCT(X column, d_hiddenlayer column)

Three bands, top to bottom: forward propagation (X, then each layer's W, b,
input and activation, then y and E), backpropagation (slopes, deltas, errors)
and the update. Each array has its name above it. Needs ``openpyxl``
(``pip install glassnet[xlsx]``).
"""

from __future__ import annotations

import os

from glassnet._files import atomic_write
from glassnet.glassbox import notation

LR_CELL = "$B$2"


def _col(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def layout(trace) -> dict[str, tuple[int, int]]:
    """Where each array's top-left value sits: name → (row, column), 1-based."""
    info = trace.layers
    forward = ["X"]
    for n in info:
        forward += [n["W"]] + ([n["b"]] if n["b"] else []) + [n["z"], n["a"]]
    forward += ["y", "E"]
    after_E = trace.steps[trace.steps.index(trace.step_of("E")) + 1:]
    backward = [k for s in after_E for k in s.arrays if not k.endswith("_updated")]
    update = [k for k in trace.names if k.endswith("_updated")]
    places, top = {}, 4
    for band in (forward, backward, update):
        col, height = 1, 0
        for name in band:
            places[name] = (top + 1, col)
            col += trace[name].shape[1] + 1
            height = max(height, trace[name].shape[0])
        top += height + 3
    return places


def _formulas(trace, places) -> dict[str, list[list[str | float]]]:
    """Every cell's content: a number for given arrays, a formula string otherwise."""
    out = {}
    for name in trace.names:
        op, arr = trace.ops[name], trace[name]
        if op.kind == "given":
            out[name] = arr.astype(float).tolist()
            continue
        cell = _cell_formula(trace, places, name, op)
        out[name] = [["=" + cell(i, j) for j in range(arr.shape[1])] for i in range(arr.shape[0])]
    return out


def _cell_formula(trace, places, name, op):
    """``f(i, j)``: the Excel formula of cell (i, j) of array ``name``, computed by ``op``."""

    def ref(name, i, j):
        r, c = places[name]
        return f"{_col(c + j)}{r + i}"

    def row_range(name, i):
        r, c = places[name]
        return f"{_col(c)}{r + i}:{_col(c + trace[name].shape[1] - 1)}{r + i}"

    def col_range(name, j):
        r, c = places[name]
        return f"{_col(c + j)}{r}:{_col(c + j)}{r + trace[name].shape[0] - 1}"

    a, arr = op.args, trace[name]
    layer = trace.layers[op.layer - 1] if op.layer else None
    written = notation.activation(layer["activation"]) if layer else None
    alpha = layer["alpha"] if layer else None
    if op.kind == "affine":
        bias = (lambda j: f"+{ref(a[2], 0, j)}") if len(a) > 2 else (lambda j: "")
        return lambda i, j: f"MMULT({row_range(a[0], i)},{col_range(a[1], j)}){bias(j)}"
    if op.kind == "activation":
        return lambda i, j: written.excel.format(
            z=ref(a[0], i, j), row=row_range(a[0], i), alpha=alpha)
    if op.kind == "slope":
        return lambda i, j: written.slope_excel.format(
            z=ref(layer["z"], i, j), a=ref(layer["a"], i, j), alpha=alpha)
    if op.kind == "error":
        return _error_formula(trace, arr, ref)
    if op.kind == "delta":
        return lambda i, j: f"{ref(a[0], i, j)}*{ref(a[1], i, j)}"
    if op.kind == "copy":
        return lambda i, j: ref(a[0], i, j)
    if op.kind == "jvp":
        return lambda i, j: (f"{ref(a[1], i, j)}*({ref(a[0], i, j)}-SUMPRODUCT("
                             f"{row_range(a[0], i)},{row_range(a[1], i)}))")  # fmt: skip
    if op.kind == "backprop":
        return lambda i, j: f"SUMPRODUCT({row_range(a[0], i)},{row_range(a[1], j)})"
    if op.kind == "update_W":
        return lambda i, j: (f"{ref(a[0], i, j)}+{LR_CELL}*SUMPRODUCT({col_range(a[1], i)},"
                             f"{col_range(a[2], j)})")  # fmt: skip
    if op.kind == "update_b":
        return lambda i, j: f"{ref(a[0], 0, j)}+{LR_CELL}*SUM({col_range(a[1], j)})"
    raise ValueError(f"No spreadsheet formula for op {op.kind!r} ({name}).")


def _error_formula(trace, arr, ref):
    """E's cells: the fused −δ = (y − output) / divisor, or the loss's own −dL/d(output)."""
    if trace.fused:
        count = trace.loss.fused_count(arr)
        return lambda i, j: notation.FUSED_ERROR.error_excel.format(
            y=ref("y", i, j), p=ref("output", i, j), count=count)
    written = notation.loss(trace.loss.name)

    def formula(i, j):
        p = ref("output", i, j)
        return written.error_excel.format(
            y=ref("y", i, j), p=p, c=notation.clipped(p), N=arr.size, n=arr.shape[0])

    return formula


def _check_supported(trace) -> None:
    """Refuse, before any file is written, a trace with no Excel notation."""
    for info in trace.layers:
        notation.activation(info["activation"])
    if not trace.fused:
        notation.loss(trace.loss.name)


def write_xlsx(trace, path) -> str:
    """Write the trace as a workbook of live formulas to ``path``; returns the path.

    The file is written to a temporary file beside ``path`` and then moved into
    place, so a reader never sees half a workbook.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
    except ImportError:
        raise ImportError(
            "Writing a workbook needs openpyxl: pip install 'glassnet[xlsx]'."
        ) from None
    _check_supported(trace)
    path = os.fspath(path)
    places = layout(trace)
    contents = _formulas(trace, places)
    wb = Workbook()
    ws = wb.active
    ws.title = "trace"
    ws["A1"] = (f"glassnet: one iteration of gradient descent ({trace.loss.name}). Edit X, y, "
                "a weight, a bias or the learning rate and every other cell recomputes.")
    ws["A1"].font = Font(bold=True)
    ws["A2"], ws[LR_CELL.replace("$", "")] = "learning_rate", trace.lr
    given = PatternFill("solid", fgColor="FFF2CC")
    for name, cells in contents.items():
        r, c = places[name]
        head = ws.cell(r - 1, c, name)
        head.font = Font(bold=True)
        for i, row in enumerate(cells):
            for j, value in enumerate(row):
                cell = ws.cell(r + i, c + j, value)
                cell.number_format = "0.00"
                if trace.ops[name].kind == "given":
                    cell.fill = given
    with atomic_write(path, "wb") as fh:
        wb.save(fh)
    return path
