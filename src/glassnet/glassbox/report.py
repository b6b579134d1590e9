"""A trace as one standalone HTML file: no network access, nothing but NumPy.

The page shows the network diagram, then every step of the trace with its
equation, the arrays it reads and the arrays it computes, and after each update
the change it made (Δw = w_updated − w). Hovering (or clicking) a computed cell
paints it yellow and the cells it was computed from orange, as the tutorial's
sheet does; the map from each cell to its sources is computed here
(:meth:`glassnet.glassbox.trace.Trace.sources`) and embedded as JSON. Below the
steps: the loss curve from ``net.history`` and, for networks with two inputs,
the decision regions (colours and legend as in :mod:`glassnet.glassbox.plotting`).

Numbers: each table picks its digits from its values
(:mod:`glassnet.glassbox.html_tables`), a control at the top shows more or
fewer, and wide tables scroll inside their card. The loss is shown on the scale
the loss defines: a loss that sums over the rows (``sse``, ``half_sse``) is
labelled as a sum with its row count, beside its mean per row (the figure the
tutorials print), and the loss curve is labelled likewise.
Write one with ``net.trace(X, y).to_html("report.html")``.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence

from glassnet._files import atomic_write
from glassnet.glassbox.html_tables import DIGITS_CONTROL, DIGITS_JS, hover_js, table_html
from glassnet.glassbox.svg import boundary_html, loss_svg, network_svg

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.15em;margin:0 0 .3em}
section.step{border:1px solid #ddd;border-radius:6px;padding:.7em 1em;margin:1em 0;
  overflow:hidden}
code.eq{display:block;background:#f6f6f6;padding:.4em .6em;margin:.3em 0;white-space:pre-wrap}
.note{color:#555;font-size:.9em;margin:.2em 0}
.row{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
.arr{display:inline-block;min-width:0;max-width:100%}
.arr .scroll{overflow-x:auto;max-width:100%}
.arr .name{font-weight:600;font-size:.85em;margin-bottom:2px}
.arr.operand .name,.arr.delta .name{color:#777;font-weight:400}
table.m{border-collapse:collapse;font-family:ui-monospace,monospace;font-size:.85em}
table.m td{border:1px solid #ccc;padding:2px 6px;text-align:right;min-width:2.6em}
table.m th{font-weight:400;font-size:.8em;color:#555;padding:1px 4px;max-width:7em;
  overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.m.result td{cursor:pointer}table.m.delta td{color:#555}
td.active{background:#ffeb3b}td.src{background:#ff9800}
.status{font-family:ui-monospace,monospace;font-size:.85em;color:#333;min-height:1.2em}
.more{color:#777;font-size:.8em}.digits{margin:.5em 0;font-size:.9em}
.legend{font-size:.85em;margin:.3em 0}.swatch{display:inline-block;width:.9em;height:.9em;
  border:1px solid #333;margin:0 .3em 0 .8em;vertical-align:-0.1em}
figure{margin:1em 0}figcaption{font-size:.9em;color:#555}
"""

_JS = hover_js(cells="table.result td", sources="table.operand td")


def _step_deps(trace, step, max_rows: int) -> dict[str, list[str]]:
    """For each shown computed cell, the shown cells it was computed from."""
    out = {}
    for name, arr in step.arrays.items():
        for i in range(min(arr.shape[0], max_rows)):
            for j in range(arr.shape[1]):
                srcs = [f"{n}:{r}:{c}" for n, r, c in trace.sources(name, i, j) if r < max_rows]
                if srcs:
                    out[f"{name}:{i}:{j}"] = srcs
    return out


def _column_labels(trace, net) -> dict[str, Sequence[str]]:
    """Feature names for X's columns and class names for y's and the output's, when the
    model's metadata knows them."""
    meta = getattr(net, "metadata", None) or {}
    labels = {}
    if meta.get("feature_names"):
        labels["X"] = meta["feature_names"]
    if meta.get("class_names"):
        labels["y"] = labels[trace.layers[-1]["a"]] = meta["class_names"]
    return labels


def _updates(trace, step, max_rows: int) -> str:
    """Δ tables for the parameters this step updated: the change, w_updated − w."""
    tables = []
    for info in trace.layers:
        for old, new in ((info["W"], info["W_new"]), (info["b"], info.get("b_new"))):
            if new and new in step.arrays and old:
                change = step.arrays[new] - trace[old]
                tables.append(table_html(f"Δ{old}", change, "delta", max_rows,
                                         label=f"Δ{old} = {new} − {old}"))
    return f'<div class="row">{"".join(tables)}</div>' if tables else ""


def _section(trace, step, decimals, max_rows, columns) -> str:
    def tables(names_arrays, kind):
        return "".join(table_html(n, a, kind, max_rows, decimals, columns.get(n))
                       for n, a in names_arrays)

    operands = tables(((n, trace[n]) for n in trace.operands(step)), "operand")
    results = tables(step.arrays.items(), "result")
    eq = "\n".join(html.escape(p) for p in step.equation.split(";  "))
    note = f'<p class="note">{html.escape(step.note)}</p>' if step.note else ""
    arrow = '<div class="arr">=</div>' if operands else ""
    return (f'<section class="step" data-step="{step.number}" id="step-{step.number}">'
            f"<h2>Step {step.number}: {html.escape(step.title)}</h2>"
            f'<code class="eq">{eq}</code>{note}'
            f'<div class="row">{operands}{arrow}{results}</div>'
            f'{_updates(trace, step, max_rows)}<div class="status"></div></section>')


def _rows_divisor(trace, per_row: bool) -> int:
    """What the shown losses are divided by: the row count for a sum loss shown per row."""
    sums = getattr(trace.loss, "sums_over_rows", False)
    return trace["X"].shape[0] if per_row and sums else 1


def loss_header(trace, per_row: bool = False) -> str:
    """The traced loss in words. A loss that sums over the rows is said to be a sum, with
    its row count; ``per_row`` leads with its mean per row (the tutorials' "Error")."""
    rows, value, name = trace["X"].shape[0], trace.loss_value, html.escape(trace.loss.name)
    if not getattr(trace.loss, "sums_over_rows", False):
        return (f'loss <b>{name}</b> (a mean over {rows} rows) = '
                f'<span class="loss-shown">{value:.6g}</span>')
    if per_row:
        return (f'error per row (the loss ÷ {rows} rows, as the tutorial prints it) = '
                f'<span class="loss-shown">{value / rows:.6g}</span>; the loss <b>{name}</b>, '
                f"a sum over {rows} rows, = {value:.6g}")
    return (f'loss <b>{name}</b>, a sum over {rows} rows, = '
            f'<span class="loss-shown">{value:.6g}</span> (per row {value / rows:.6g})')


def _curve(trace, net, per_row: bool) -> str:
    history = list(net.history.loss) if net is not None else []
    divisor = _rows_divisor(trace, per_row)
    name = trace.loss.name
    if divisor > 1:
        label = f"{name} per row (net.history.loss ÷ {divisor} rows)"
    elif getattr(trace.loss, "sums_over_rows", False):
        label = f"{name}: a sum over the rows of each batch (net.history.loss)"
    else:
        label = f"{name} (net.history.loss)"
    return loss_svg([v / divisor for v in history], label)


def render_html(trace, net=None, decimals: int | None = None, max_rows: int = 12,
                title: str = "glassnet: one training step, every number visible",
                per_row: bool = False) -> str:
    """The report as a string (see :func:`write_html`)."""
    net = trace.network if net is None else net
    columns = _column_labels(trace, net)
    sections = [_section(trace, step, decimals, max_rows, columns) for step in trace.steps]
    deps = {str(step.number): _step_deps(trace, step, max_rows) for step in trace.steps}
    X, y = trace["X"], trace["y"]
    boundary = ""
    if X.shape[1] == 2 and net is not None:
        boundary = ("<h2>Decision boundary</h2><figure>"
                    + boundary_html(net, X, y, class_names=columns.get("y"))
                    + "<figcaption>What the network predicts over the plane of its two inputs "
                    "(its current weights), with the samples.</figcaption></figure>")
    sizes = " → ".join([str(trace.layers[0]["n_inputs"])] +
                       [f"{i['n_units']} {i['activation']}" for i in trace.layers])
    diagram, dropped = network_svg(trace)
    payload = json.dumps(deps, separators=(",", ":")).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="header">Network {html.escape(sizes)}; {loss_header(trace, per_row)}; '
        f"learning_rate = {trace.lr:g}. Hover or click a computed "
        "cell: it turns yellow and the cells it was computed from turn orange. The "
        "tutorial's signs: E = −∂L/∂output, d = −∂L/∂z, so the update adds "
        f"learning_rate · inputᵀ d.</p>{DIGITS_CONTROL}"
        f"<h2>Network</h2><figure>{diagram}<figcaption>Line width and opacity ∝ |w|; blue "
        "positive, red negative (weights before this step; hover a line for its value). "
        f"{html.escape(dropped)}</figcaption></figure>"
        f"{''.join(sections)}<h2>Loss curve</h2><figure>{_curve(trace, net, per_row)}</figure>"
        f"{boundary}"
        f'<script type="application/json" id="deps">{payload}</script>'
        f"<script>{_JS}{DIGITS_JS}</script></body></html>\n"
    )


def write_html(trace, path, net=None, decimals: int | None = None, max_rows: int = 12,
               per_row: bool = False) -> str:
    """Write the standalone report to ``path`` (atomically); returns the path.

    net : the network whose history and decision boundary are drawn (default:
        the traced one). decimals : fixed digits for every table (default: each
        table chooses from its values). max_rows : rows shown per array.
    per_row : for a loss that sums over the rows (sse, half_sse), show the header's
        loss and the loss curve divided by the traced rows — the tutorials' printed
        "Error" — when the network was trained full batch on those same rows.
    """
    text = render_html(trace, net=net, decimals=decimals, max_rows=max_rows, per_row=per_row)
    path = os.fspath(path)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
