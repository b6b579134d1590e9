"""A layer trace (:class:`~glassnet.glassbox.layer_tables.LayerTrace`) as one
standalone HTML page: no network access, no script from anywhere else.

One section per traced layer: the numbers it starts from (its input and
parameters), the tables of its forward pass and, for the recurrent layers, the
time steps left to right in one row (it scrolls sideways) with back-propagation
through time below them, each block under its step, computed right to left (t = T
first, on the right). Hovering (or clicking)
a cell paints it yellow and the cells it was computed from orange, as the dense
report does; the map is the trace's own (:meth:`LayerTrace.sources`), embedded
as JSON. A convolution's output cell lights up its patch of the input, the
kernel and b[f]; a pooling window's maximum its window, its winner the cell that
won; an LSTM's c_t its f, c_{t−1}, i and g.

Write one with ``net.trace(X, y).to_html("report.html")`` on a network with
Conv2D, MaxPool2D, RNN or LSTM layers.
"""

from __future__ import annotations

import html
import json
import os
from typing import Any

from glassnet._files import atomic_write
from glassnet.glassbox.html_tables import DIGITS_CONTROL, DIGITS_JS, hover_js, table_html
from glassnet.glassbox.report import CSS
from glassnet.glassbox.tables import Table

_MORE_CSS = """
th.r{text-align:left;color:#555;font-weight:400;font-size:.8em;padding:1px 6px}
.band{font-size:.85em;color:#555;margin:.6em 0 .2em}
.row.time{flex-wrap:nowrap;overflow-x:auto}.row.time>.arr{flex:none}
table.m td[data-k]{cursor:pointer}
.arr>.note{max-width:20em}
"""

_JS = hover_js(cells="section.step td", sources="td")

_BANDS = {
    "given": "What this layer starts from: its input and its parameters",
    "forward": "Forward pass",
    "backward": "Backward pass",
}
_RECURRENT_BANDS = {
    "forward": "Forward pass, one block per time step, t = 1 → T",
    "backward": "Back-propagation through time, computed right to left: t = T first (on "
                "the right), then T − 1, … back to 1; each block sits under its time step",
}


def _shown_rows(tables: list[Table], max_rows: int) -> dict[str, int]:
    return {t.name: min(t.values.shape[0], max_rows) for t in tables}


def layer_deps(tables: list[Table], max_rows: int) -> dict[str, list[str]]:
    """For each shown cell with sources, its shown source cells as ``name:i:j`` keys."""
    shown = _shown_rows(tables, max_rows)
    out = {}
    for t in tables:
        for (i, j), cells in t.sources.items():
            if i >= shown[t.name]:
                continue
            keys = [f"{n}:{r}:{c}" for n, r, c in cells if r < shown.get(n, 0)]
            if keys:
                out[f"{t.name}:{i}:{j}"] = keys
    return out


def _table(t: Table, max_rows: int, decimals: int | None) -> str:
    kind = "operand" if t.role == "given" else "result"
    return table_html(t.name, t.values, kind, max_rows, decimals, t.columns, rows=t.rows,
                      blank_nan=True, note=t.note)


def _section(info: dict[str, Any], tables: list[Table], max_rows: int,
             decimals: int | None) -> str:
    recurrent = info["type"] in ("RNN", "LSTM")
    bands = []
    for role in ("given", "forward", "backward"):
        mine = [t for t in tables if t.role == role]
        if not mine:
            continue
        title = (_RECURRENT_BANDS if recurrent else _BANDS).get(role, _BANDS[role])
        css = "row time" if recurrent and role != "given" else "row"
        if recurrent and role == "backward":  # computed t = T … 1; shown under each step
            mine = mine[::-1]
        cells = "".join(_table(t, max_rows, decimals) for t in mine)
        bands.append(f'<div class="band">{html.escape(title)}</div><div class="{css}">{cells}'
                     "</div>")
    k = info["k"]
    return (f'<section class="step" data-step="layer{k}" id="layer-{k}">'
            f"<h2>Layer {k}: {html.escape(info['repr'])}</h2>{''.join(bands)}"
            '<div class="status"></div></section>')


def render_html(trace: Any, max_rows: int = 40, decimals: int | None = None,
                title: str = "glassnet: one forward and backward pass, every number visible"
                ) -> str:
    """The report as a string (see :func:`write_html`)."""
    sections, deps = [], {}
    for info in trace.layers:
        tables = [t for t in trace.tables if t.layer == info["k"]]
        sections.append(_section(info, tables, max_rows, decimals))
        deps[f"layer{info['k']}"] = layer_deps(tables, max_rows)
    payload = json.dumps(deps, separators=(",", ":")).replace("</", "<\\/")
    network = " → ".join(html.escape(r) for r in trace.network)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{CSS}{_MORE_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="header">Network {network}; loss <b>{html.escape(trace.loss_name)}</b> = '
        f'<span class="loss-shown">{trace.loss_value:.6g}</span>. Every number is the '
        "engine's own, kept from this pass. Hover or click a cell: it turns yellow and the "
        f"cells it was computed from turn orange.</p>{DIGITS_CONTROL}{''.join(sections)}"
        f'<script type="application/json" id="deps">{payload}</script>'
        f"<script>{_JS}{DIGITS_JS}</script></body></html>\n"
    )


def write_html(trace: Any, path: str | os.PathLike[str], max_rows: int = 40,
               decimals: int | None = None) -> str:
    """Write the standalone report to ``path`` (atomically); returns the path.

    max_rows : rows shown per table (a longer table says how many more it has).
    decimals : fixed digits for every table (default: each table picks its own).
    """
    text = render_html(trace, max_rows=max_rows, decimals=decimals)
    target = os.fspath(path)
    with atomic_write(target, "w", encoding="utf-8") as fh:
        fh.write(text)
    return target
