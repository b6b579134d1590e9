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

import numpy as np

from glassnet._files import atomic_write

_EPS = float(np.finfo(np.float64).eps)  # the engine's probability clip
_ACTIVATION = {
    "sigmoid": "1/(1+EXP(-{z}))",
    "tanh": "TANH({z})",
    "linear": "{z}",
    "relu": "MAX({z},0)",
    "leaky_relu": "IF({z}>0,{z},{alpha}*{z})",
    "elu": "IF({z}>0,{z},{alpha}*(EXP({z})-1))",
    "softplus": "LN(1+EXP({z}))",
}
_SLOPE = {
    "sigmoid": "{a}*(1-{a})",
    "tanh": "1-{a}^2",
    "linear": "1",
    "relu": "IF({z}>0,1,0)",
    "leaky_relu": "IF({z}>0,1,{alpha})",
    "elu": "IF({z}>0,1,{a}+{alpha})",
    "softplus": "1/(1+EXP(-{z}))",
}
_CLIP = f"MIN(MAX({{p}},{_EPS!r}),1-{_EPS!r})"
_ERROR = {  # E = −dL/d(output), from y and p = output; N elements, n samples
    "half_sse": "{y}-{p}",
    "sse": "2*({y}-{p})",
    "mse": "2*({y}-{p})/{N}",
    "mae": "-SIGN({p}-{y})/{N}",
    "binary_crossentropy": "({y}-{c})/({c}*(1-{c})*{N})",
    "categorical_crossentropy": "{y}/({c}*{n})",
}
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

    def ref(name, i, j):
        r, c = places[name]
        return f"{_col(c + j)}{r + i}"

    def row_range(name, i):
        r, c = places[name]
        return f"{_col(c)}{r + i}:{_col(c + trace[name].shape[1] - 1)}{r + i}"

    def col_range(name, j):
        r, c = places[name]
        return f"{_col(c + j)}{r}:{_col(c + j)}{r + trace[name].shape[0] - 1}"

    out = {}
    for name in trace.names:
        op, arr = trace.ops[name], trace[name]
        a = op.args
        layer = trace.layers[op.layer - 1] if op.layer else None
        alpha = layer["alpha"] if layer else None
        cells = []
        for i in range(arr.shape[0]):
            row = []
            for j in range(arr.shape[1]):
                if op.kind == "given":
                    row.append(float(arr[i, j]))
                    continue
                if op.kind == "affine":
                    f = f"MMULT({row_range(a[0], i)},{col_range(a[1], j)})"
                    f += f"+{ref(a[2], 0, j)}" if len(a) > 2 else ""
                elif op.kind == "activation" and layer["activation"] == "softmax":
                    z, zr = ref(a[0], i, j), row_range(a[0], i)
                    f = f"EXP({z}-MAX({zr}))/SUMPRODUCT(EXP({zr}-MAX({zr})))"
                elif op.kind == "activation":
                    f = _ACTIVATION[layer["activation"]].format(z=ref(a[0], i, j), alpha=alpha)
                elif op.kind == "slope":
                    f = _SLOPE[layer["activation"]].format(
                        z=ref(layer["z"], i, j), a=ref(layer["a"], i, j), alpha=alpha)
                elif op.kind == "error":
                    y, p = ref("y", i, j), ref("output", i, j)
                    if trace.fused:
                        div = arr.size if trace.loss.name == "binary_crossentropy" else arr.shape[0]
                        f = f"({y}-{p})/{div}"
                    else:
                        f = _ERROR[trace.loss.name].format(
                            y=y, p=p, c=_CLIP.format(p=p), N=arr.size, n=arr.shape[0])
                elif op.kind == "delta":
                    f = f"{ref(a[0], i, j)}*{ref(a[1], i, j)}"
                elif op.kind == "copy":
                    f = ref(a[0], i, j)
                elif op.kind == "jvp":
                    f = (f"{ref(a[1], i, j)}*({ref(a[0], i, j)}-SUMPRODUCT("
                         f"{row_range(a[0], i)},{row_range(a[1], i)}))")
                elif op.kind == "backprop":
                    f = f"SUMPRODUCT({row_range(a[0], i)},{row_range(a[1], j)})"
                elif op.kind == "update_W":
                    f = (f"{ref(a[0], i, j)}+{LR_CELL}*SUMPRODUCT({col_range(a[1], i)},"
                         f"{col_range(a[2], j)})")
                elif op.kind == "update_b":
                    f = f"{ref(a[0], 0, j)}+{LR_CELL}*SUM({col_range(a[1], j)})"
                else:
                    raise ValueError(f"No spreadsheet formula for op {op.kind!r} ({name}).")
                row.append("=" + f)
            cells.append(row)
        out[name] = cells
    return out


def _check_supported(trace) -> None:
    for info in trace.layers:
        if info["activation"] not in _ACTIVATION and info["activation"] != "softmax":
            raise ValueError(
                f"The workbook has Excel formulas for the activations {sorted(_ACTIVATION)} "
                f"and softmax, but this trace uses {info['activation']!r}."
            )
    if not trace.fused and trace.loss.name not in _ERROR:
        raise ValueError(
            f"The workbook has Excel formulas for the losses {sorted(_ERROR)}, but this trace "
            f"uses {trace.loss.name!r}."
        )


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
