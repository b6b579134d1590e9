"""Rich display in notebooks: the HTML behind ``_repr_html_`` of Network, History,
Trace, GradcheckReport and Diagnosis.

Every fragment is self-contained: inline CSS and SVG, no remote script, style or
font, so it survives ``jupyter nbconvert --to html`` and a static notebook viewer.
The pictures come from the report's own renderers (:mod:`glassnet.glassbox.svg`,
:mod:`glassnet.glassbox.report`): a trace shows as the standalone report itself,
inside an ``<iframe srcdoc>`` so that its hover script and styles stay in their
own document however many traces a notebook shows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from glassnet.glassbox.svg import loss_svg

#: a loss curve shows at most this many points (evenly spaced, the last one kept)
CURVE_POINTS = 500

CSS = (
    "<style>.glassnet{font-family:system-ui,sans-serif;font-size:13px;color:#222}"
    ".glassnet table{border-collapse:collapse;margin:.3em 0}"
    ".glassnet th,.glassnet td{border:1px solid #ddd;padding:2px 8px;text-align:left;"
    "vertical-align:top}.glassnet th{background:#f6f6f6}"
    ".glassnet td.num{text-align:right;font-family:ui-monospace,monospace}"
    ".glassnet .error{color:#b00020;font-weight:600}.glassnet .warning{color:#a15c00;"
    "font-weight:600}.glassnet .info{color:#555}.glassnet .note{color:#555}</style>"
)


def _page(body: str) -> str:
    return f'{CSS}<div class="glassnet">{body}</div>'


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(rows_cells) + "</tr>" for rows_cells in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(text: object, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{html.escape(str(text))}</td>"


def curve_points(values: Sequence[float], limit: int = CURVE_POINTS) -> list[float]:
    """At most ``limit`` values, evenly spaced through ``values``, the last one kept."""
    values = list(values)
    if len(values) <= limit:
        return values
    idx = np.unique(np.linspace(0, len(values) - 1, limit).round().astype(int))
    return [values[i] for i in idx]


def curves_html(history) -> str:
    """The training (and validation) loss curves of a History, as inline SVG."""
    parts = [curve_svg(history.loss, "loss")]
    if history.val_loss:
        parts.append(curve_svg(history.val_loss, "val_loss"))
    return "".join(parts)


def curve_svg(values: Sequence[float], label: str) -> str:
    """One loss curve, thinned to :data:`CURVE_POINTS` points (and labelled so)."""
    shown = curve_points(values)
    note = f" ({len(shown)} of {len(values)} epochs shown)" if len(shown) < len(values) else ""
    return loss_svg(shown, label + note, epochs=len(values))


def network_html(net) -> str:
    """The summary table (layers, output shapes, parameters) and the loss curve."""
    rows = []
    for i, layer in enumerate(net.layers, start=1):
        count = sum(int(np.prod(s)) for s in layer.param_shapes().values())
        rows.append([_cell(i, "num"), _cell(repr(layer)),
                     _cell(f"(n, {getattr(layer, 'n_units', '?')})"), _cell(f"{count:,}", "num")])
    rows.append([_cell(""), _cell("total"), _cell(""), _cell(f"{net.n_params:,}", "num")])
    title = (f"<b>Network</b> ({net.dtype.name}, seed={net.seed}); "
             f"{len(net.history)} epochs trained")
    if net.loss is not None:
        title += f", loss {html.escape(net.loss.name)}"
    if net.optimizer is not None:
        title += f", optimizer {html.escape(repr(net.optimizer))}"
    curve = curves_html(net.history) if len(net.history) > 1 else ""
    return _page(f"<p>{title}</p>"
                 + _table(["#", "layer", "output shape", "parameters"], rows) + curve)


def history_html(history) -> str:
    """Epochs, the last figures and the loss curves."""
    if not len(history):
        return _page("<p><b>History</b>: no epochs yet.</p>")
    last = {k: v[-1] for k, v in history.history.items() if v}
    rows = [[_cell(k), _cell(f"{v:.6g}", "num")] for k, v in last.items()]
    return _page(f"<p><b>History</b>: {len(history)} epochs</p>"
                 + _table(["last epoch", "value"], rows) + curves_html(history))


def trace_html(trace, height: int = 640) -> str:
    """The trace's standalone report (the diagram, the step tables with hover
    highlights) in an ``<iframe srcdoc>``: its script and styles stay inside."""
    from glassnet.glassbox.report import render_html

    page = render_html(trace)
    # the loss curve belongs to net.history's own display; a long one (every epoch
    # embedded) would make the page large
    start = page.find("<h2>Loss curve</h2>")
    end = page.find("</figure>", start)
    if start >= 0 and end >= 0:
        page = (page[:start] + '<p class="note">The loss curve: display <code>net.history'
                "</code>.</p>" + page[end + len("</figure>"):])
    return (f'<iframe class="glassnet-trace" title="glassnet trace" '
            f'style="width:100%;height:{height}px;border:1px solid #ddd" '
            f'srcdoc="{html.escape(page, quote=True)}"></iframe>')


def gradcheck_html(report) -> str:
    rows = [[_cell(c.name), _cell(str(c.shape)), _cell(f"{c.max_abs_error:.3e}", "num"),
             _cell(f"{c.max_rel_error:.3e}", "num"),
             _cell("ok" if c.passed else "FAIL", "info" if c.passed else "error")]
            for c in report.checks]
    verdict = "all passed" if report.passed else "SOME TENSORS FAILED"
    return _page(
        f"<p><b>Gradient check</b>: {html.escape(report.loss_name)}, L = "
        f"{report.loss_value:.6g}, central differences with ε = {report.eps:g} "
        f"(rel error ≤ {report.rtol:g} or abs error ≤ {report.atol:g}): "
        f"<b>{verdict}</b></p>"
        + _table(["tensor", "shape", "max abs error", "max rel error", "result"], rows))


def diagnosis_html(diagnosis) -> str:
    """The findings, worst first: severity, code, what and why, the fix, where to look."""
    if not diagnosis.findings:
        return _page("<p><b>Diagnosis</b>: nothing wrong found.</p>")
    rows = []
    for f in diagnosis.findings:
        why = f.explanation + (f" (caused by {f.cause})" if f.cause else "")
        rows.append([_cell(f.severity, f.severity), _cell(f.code), _cell(f"{f.title}. {why}"),
                     _cell(f.fix), _cell(", ".join(f.cells))])
    return _page(f"<p><b>Diagnosis</b>: {len(diagnosis.findings)} finding(s)</p>"
                 + _table(["severity", "code", "what and why", "fix", "see the trace"], rows))
