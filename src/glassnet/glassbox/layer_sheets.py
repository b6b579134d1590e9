"""A layer trace as a workbook of live formulas: one sheet per Conv2D and RNN layer.

Only the inputs and the parameters are numbers; the rest are Excel formulas over
them, so a learner who edits a kernel weight or an input sees the layer recompute.

A convolution (sheet ``layer{k}_conv``) for the traced output map z[n, f]: image n's
zero-padded channels, the kernel W[f] beside them, b[f], then every output cell as
the sum over channels of SUMPRODUCT(patch, kernel) plus b, and a = f(z)::

    z[i, j]  =SUMPRODUCT(B6:D8,H6:J8)+SUMPRODUCT(B13:D15,H13:J15)+L6

An RNN (sheet ``layer{k}_rnn``) for the traced sample: Wx, Wh, b, then one row per
time step, x_t beside z_t and h_t, each step's z reading the row of h above it::

    z_t      =MMULT(B12:C12,B5:B6)+MMULT(F11:G11,E5:E6)+H5     (x_t Wx + h_{t−1} Wh + b)
    h_t      =TANH(D12)                                         (the layer's activation)

The formulas for activations come from :mod:`glassnet.glassbox.notation`, the
numbers from the trace's tables (the engine's own). Needs ``openpyxl``
(``pip install glassnet[xlsx]``).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet._files import atomic_write
from glassnet.glassbox import notation

#: sheet name → array name → (row, column, values or formulas), 1-based
Places = dict[str, dict[str, tuple[int, int, list[list[Any]]]]]


def _col(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def _ref(r: int, c: int) -> str:
    return f"{_col(c)}{r}"


def _rect(r: int, c: int, height: int, width: int) -> str:
    return f"{_ref(r, c)}:{_ref(r + height - 1, c + width - 1)}"


def _activation(info: dict[str, Any], z: str) -> str:
    written = notation.activation(info["activation"])
    if "{row}" in written.excel:
        raise ValueError(f"Layer {info['k']}'s activation {info['activation']!r} works on rows "
                         "of a Dense layer; the workbook writes elementwise activations only.")
    return written.excel.format(z=z, alpha=info.get("alpha"))


def conv_sheet(trace: Any, info: dict[str, Any]) -> dict[str, tuple[int, int, list[list[Any]]]]:
    """The arrays of a convolution's sheet: padded channels, kernel, b, z and a."""
    k, (n, f, _, _) = info["k"], info["cell"]
    C, (kh, kw), (sh, sw) = info["channels"], info["kernel_size"], info["stride"]
    (Hp, Wp), (Ho, Wo) = info["padded"], info["output"]
    image = trace[f"layer{k}_input"][n * C * Hp : (n + 1) * C * Hp]
    kernel = trace[f"layer{k}_kernel"]
    top, kernel_col = 5, Wp + 3
    out: dict[str, tuple[int, int, list[list[Any]]]] = {}
    for c in range(C):  # channel c of x_pad[n] and of W[f], side by side
        r = top + c * (max(Hp, kh) + 2)
        out[f"x_pad[{n}] channel {c}"] = (r, 1, image[c * Hp : (c + 1) * Hp].tolist())
        out[f"W[{f}] channel {c}"] = (r, kernel_col, kernel[c * kh : (c + 1) * kh].tolist())
    bias_col = kernel_col + kw + 1
    bias = ""
    if info["use_bias"]:
        out[f"b[{f}]"] = (top, bias_col, [[float(trace[f"layer{k}_b"][0, f])]])
        bias = "+" + _ref(top, bias_col)
    z_col = bias_col + 2
    channel_rows = [top + c * (max(Hp, kh) + 2) for c in range(C)]

    def z_cell(i: int, j: int) -> str:
        terms = [f"SUMPRODUCT({_rect(r + i * sh, 1 + j * sw, kh, kw)},"
                 f"{_rect(r, kernel_col, kh, kw)})" for r in channel_rows]
        return "=" + "+".join(terms) + bias

    out[f"z[{n}, {f}]"] = (top, z_col, [[z_cell(i, j) for j in range(Wo)] for i in range(Ho)])
    a_col = z_col + Wo + 1
    out[f"a[{n}, {f}]"] = (top, a_col, [["=" + _activation(info, _ref(top + i, z_col + j))
                                         for j in range(Wo)] for i in range(Ho)])
    return out


def rnn_sheet(trace: Any, info: dict[str, Any]) -> dict[str, tuple[int, int, list[list[Any]]]]:
    """The arrays of an RNN's sheet: Wx, Wh, b, then x_t, z_t, h_t one row per step."""
    k, T, D, H = info["k"], info["steps"], info["inputs"], info["units"]
    p = f"layer{k}"
    blocks = [trace[f"{p}_t{t}"] for t in range(1, T + 1)]
    out: dict[str, tuple[int, int, list[list[Any]]]] = {
        "Wx": (5, 1, trace[f"{p}_Wx"].tolist()),
        "Wh": (5, D + 2, trace[f"{p}_Wh"].tolist()),
        "b": (5, D + H + 3, trace[f"{p}_b"].tolist()),
    }
    step = 5 + max(D, H) + 3  # the row of t = 0 (h_0); row step + t holds step t
    x_col, z_col, h_col = 2, D + 3, D + H + 4
    out["t"] = (step, 1, [[t] for t in range(T + 1)])
    out["x_t"] = (step + 1, x_col, [list(b[0, :D]) for b in blocks])

    def z_cell(t: int, u: int) -> str:
        return (f"=MMULT({_rect(step + t, x_col, 1, D)},{_rect(5, 1 + u, D, 1)})"
                f"+MMULT({_rect(step + t - 1, h_col, 1, H)},{_rect(5, D + 2 + u, H, 1)})"
                f"+{_ref(5, D + H + 3 + u)}")

    out["z_t"] = (step + 1, z_col, [[z_cell(t, u) for u in range(H)] for t in range(1, T + 1)])
    h_rows: list[list[Any]] = [list(blocks[0][1, :H])]  # h_0, a number
    h_rows += [["=" + _activation(info, _ref(step + t, z_col + u)) for u in range(H)]
               for t in range(1, T + 1)]
    out["h_t"] = (step, h_col, h_rows)
    return out


def sheets(trace: Any) -> Places:
    """Every sheet's arrays: where each sits and what its cells hold."""
    out: Places = {}
    for info in trace.layers:
        if info["type"] == "Conv2D":
            out[f"layer{info['k']}_conv"] = conv_sheet(trace, info)
        elif info["type"] == "RNN":
            out[f"layer{info['k']}_rnn"] = rnn_sheet(trace, info)
    if not out:
        kinds = ", ".join(info["type"] for info in trace.layers) or "none"
        raise ValueError(f"The workbook has live formulas for Conv2D and RNN layers; this "
                         f"trace has neither (its traced layers: {kinds}). Use "
                         "tr.to_html(path) to see the others.")
    return out


def _title(info: dict[str, Any]) -> str:
    if info["type"] == "Conv2D":
        n, f, _, _ = info["cell"]
        return (f"Layer {info['k']}, {info['repr']}: the output map of image {n}, filter {f}. "
                "Edit x, W or b and z and a recompute.")
    return (f"Layer {info['k']}, {info['repr']}: sample {info['sample']}, every time step. "
            "Edit x, Wx, Wh, b or h_0 and every step recomputes.")


def write_xlsx(trace: Any, path: str | os.PathLike[str]) -> str:
    """Write the workbook to ``path`` (atomically: a reader never sees half of it)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
    except ImportError:
        raise ImportError(
            "Writing a workbook needs openpyxl: pip install 'glassnet[xlsx]'."
        ) from None
    book = sheets(trace)
    infos = {f"layer{i['k']}_{'conv' if i['type'] == 'Conv2D' else 'rnn'}": i
             for i in trace.layers}
    wb = Workbook()
    wb.remove(wb.active)
    given = PatternFill("solid", fgColor="FFF2CC")
    for name, arrays in book.items():
        ws = wb.create_sheet(name)
        ws["A1"] = _title(infos[name])
        ws["A1"].font = Font(bold=True)
        for label, (r, c, cells) in arrays.items():
            ws.cell(r - 1, c, label).font = Font(bold=True)
            for i, row in enumerate(cells):
                for j, value in enumerate(row):
                    cell = ws.cell(r + i, c + j, value if isinstance(value, str)
                                   else float(np.float64(value)))
                    cell.number_format = "0.000"
                    if not isinstance(value, str) and label != "t":
                        cell.fill = given
    target = os.fspath(path)
    with atomic_write(target, "wb") as fh:
        wb.save(fh)
    return target
