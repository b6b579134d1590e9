"""A trace as one standalone HTML file: no network access, nothing but NumPy.

The page shows the network diagram (inline SVG, edge width ∝ |w|, blue for
positive and red for negative weights), then every step of the trace with its
equation, the arrays it reads and the arrays it computes. Hovering (or
clicking) a computed cell paints it yellow and the cells it was computed from
orange, as the tutorial's sheet does; the map from each cell to its sources is
computed here (:meth:`glassnet.glassbox.trace.Trace.sources`) and embedded as JSON.
Below the steps: the loss curve from ``net.history`` and, for networks with
two inputs, the decision boundary (a PNG written with ``zlib``, as a data URI).
Write one with ``net.trace(X, y).to_html("report.html")``.
"""

from __future__ import annotations

import base64
import html
import json
import os
import struct
import zlib

import numpy as np

from glassnet._files import atomic_write

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.15em;margin:0 0 .3em}
section.step{border:1px solid #ddd;border-radius:6px;padding:.7em 1em;margin:1em 0}
code.eq{display:block;background:#f6f6f6;padding:.4em .6em;margin:.3em 0;white-space:pre-wrap}
.note{color:#555;font-size:.9em;margin:.2em 0}
.row{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
.arr{display:inline-block}.arr .name{font-weight:600;font-size:.85em;margin-bottom:2px}
.arr.operand .name{color:#777;font-weight:400}
table.m{border-collapse:collapse;font-family:ui-monospace,monospace;font-size:.85em}
table.m td{border:1px solid #ccc;padding:2px 6px;text-align:right;min-width:2.6em}
table.m.result td{cursor:pointer}
td.active{background:#ffeb3b}td.src{background:#ff9800}
.status{font-family:ui-monospace,monospace;font-size:.85em;color:#333;min-height:1.2em}
.more{color:#777;font-size:.8em}
figure{margin:1em 0}figcaption{font-size:.9em;color:#555}
"""

_JS = """
(function(){
  var deps = JSON.parse(document.getElementById('deps').textContent);
  function clear(){
    document.querySelectorAll('td.active,td.src').forEach(function(td){
      td.classList.remove('active'); td.classList.remove('src');});
  }
  function show(td){
    var sec = td.closest('section.step'); var k = td.dataset.k;
    var src = (deps[sec.dataset.step] || {})[k]; if(!src) return;
    clear(); td.classList.add('active');
    src.forEach(function(s){
      var c = sec.querySelector('table.operand td[data-k="'+s+'"]');
      if(c) c.classList.add('src');
    });
    sec.querySelector('.status').textContent = k.replace(/:(\\d+):(\\d+)$/, '[$1, $2]') +
      ' = ' + td.title + '   computed from ' + src.length + ' cell(s)';
  }
  document.querySelectorAll('table.result td[data-k]').forEach(function(td){
    td.addEventListener('mouseenter', function(){ show(td); });
    td.addEventListener('click', function(){ show(td); });
  });
})();
"""


def _table(name: str, arr: np.ndarray, kind: str, decimals: int, max_rows: int) -> str:
    rows = []
    for i, row in enumerate(arr[:max_rows]):
        tds = "".join(
            f'<td data-k="{html.escape(name)}:{i}:{j}" title="{v:.10g}">{v:.{decimals}f}</td>'
            for j, v in enumerate(row)
        )
        rows.append(f"<tr>{tds}</tr>")
    more = (f'<div class="more">… {arr.shape[0] - max_rows} more rows</div>'
            if arr.shape[0] > max_rows else "")
    return (f'<div class="arr {kind}"><div class="name">{html.escape(name)} '
            f'<span class="more">{arr.shape[0]}×{arr.shape[1]}</span></div>'
            f'<table class="m {kind}">{"".join(rows)}</table>{more}</div>')


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


def network_svg(trace, width: int = 520, height: int = 260) -> str:
    """The network as inline SVG: a column of neurons per layer, edges by weight."""
    sizes = [trace.layers[0]["n_inputs"]] + [info["n_units"] for info in trace.layers]
    weights = [trace[info["W"]] for info in trace.layers]
    biggest = max(float(np.abs(W).max()) for W in weights) or 1.0
    xs = np.linspace(40, width - 40, len(sizes))

    def ys(n):
        return np.linspace(30, height - 30, n) if n > 1 else np.array([height / 2])

    shown = [min(n, 12) for n in sizes]  # wide layers: the first 12 neurons
    parts = []
    for l, W in enumerate(weights):
        y0, y1 = ys(shown[l]), ys(shown[l + 1])
        for i in range(shown[l]):
            for j in range(shown[l + 1]):
                w = float(W[i, j])
                colour = "#1f77b4" if w >= 0 else "#d62728"
                parts.append(
                    f'<line x1="{xs[l]:.1f}" y1="{y0[i]:.1f}" x2="{xs[l + 1]:.1f}" '
                    f'y2="{y1[j]:.1f}" stroke="{colour}" stroke-opacity="0.7" '
                    f'stroke-width="{0.5 + 4 * abs(w) / biggest:.2f}"><title>'
                    f"w[{i},{j}] = {w:.4g}</title></line>")
    labels = ["input"] + [f"{info['activation']}" for info in trace.layers]
    for l, n in enumerate(shown):
        for y in ys(n):
            parts.append(f'<circle cx="{xs[l]:.1f}" cy="{y:.1f}" r="9" fill="#fff" '
                         'stroke="#333" stroke-width="1.5"/>')
        extra = f" ({sizes[l]})" if sizes[l] > n else ""
        parts.append(f'<text x="{xs[l]:.1f}" y="{height - 6}" font-size="11" '
                     f'text-anchor="middle">{labels[l]}{extra}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'class="network" role="img">{"".join(parts)}</svg>')


def loss_svg(losses, width: int = 520, height: int = 220) -> str:
    """A polyline of the loss per epoch, with its first and last values labelled."""
    losses = np.asarray(losses, dtype=float)
    if losses.size < 2:
        return ('<p class="note">No loss curve yet: <code>net.fit(...)</code> records the '
                "loss of every epoch in <code>net.history</code>.</p>")
    lo, hi = float(losses.min()), float(losses.max())
    span = hi - lo or 1.0
    x = 50 + (width - 70) * np.arange(losses.size) / (losses.size - 1)
    y = 15 + (height - 45) * (hi - losses) / span
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'class="loss" role="img"><rect x="50" y="15" width="{width - 70}" '
        f'height="{height - 45}" fill="none" stroke="#ccc"/>'
        f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{points}"/>'
        f'<text x="46" y="20" font-size="10" text-anchor="end">{hi:.3g}</text>'
        f'<text x="46" y="{height - 30}" font-size="10" text-anchor="end">{lo:.3g}</text>'
        f'<text x="{width / 2:.0f}" y="{height - 8}" font-size="11" text-anchor="middle">'
        f"epoch (1 … {losses.size})</text></svg>")


def _png(rgb: np.ndarray) -> bytes:
    """Encode an (h, w, 3) uint8 image as PNG (zlib and struct, no imaging library)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


_PALETTE = np.array([[31, 119, 180], [214, 39, 40], [44, 160, 44], [255, 127, 14],
                     [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127]])


def boundary_html(net, X, y, size: int = 300, resolution: int = 120) -> str:
    """The decision regions of a 2-input network over the range of X, with the samples."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad
    gx = np.linspace(lo[0], hi[0], resolution)
    gy = np.linspace(hi[1], lo[1], resolution)  # image rows run top to bottom
    grid = np.array([[a, b] for b in gy for a in gx])
    p = net.predict(grid)
    if p.shape[1] == 1:  # binary: blend the two class colours by probability
        t = np.clip(p[:, :1], 0, 1)
        rgb = (1 - t) * _PALETTE[0] + t * _PALETTE[1]
    else:
        rgb = _PALETTE[np.argmax(p, axis=1) % len(_PALETTE)].astype(float)
    rgb = 255 - 0.45 * (255 - rgb)  # pale, so the samples stand out
    img = rgb.reshape(resolution, resolution, 3).astype(np.uint8)
    uri = "data:image/png;base64," + base64.b64encode(_png(img)).decode("ascii")
    labels = (y[:, 0] >= 0.5).astype(int) if y.shape[1] == 1 else np.argmax(y, axis=1)
    dots = []
    for (a, b), lab in zip(X[:500], labels[:500]):
        cx = (a - lo[0]) / (hi[0] - lo[0]) * size
        cy = (hi[1] - b) / (hi[1] - lo[1]) * size
        r, g, bl = _PALETTE[lab % len(_PALETTE)]
        dots.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="rgb({r},{g},{bl})" '
                    'stroke="#000" stroke-width="0.6"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'class="boundary" role="img"><image href="{uri}" width="{size}" height="{size}" '
            f'preserveAspectRatio="none"/>{"".join(dots)}</svg>')


def render_html(trace, net=None, decimals: int = 2, max_rows: int = 12,
                title: str = "glassnet: one training step, every number visible") -> str:
    """The report as a string (see :func:`write_html`)."""
    net = trace.network if net is None else net
    sections, deps = [], {}
    for step in trace.steps:
        deps[str(step.number)] = _step_deps(trace, step, max_rows)
        operands = "".join(_table(n, trace[n], "operand", decimals, max_rows)
                           for n in trace.operands(step))
        results = "".join(_table(n, a, "result", decimals, max_rows)
                          for n, a in step.arrays.items())
        eq = "\n".join(html.escape(p) for p in step.equation.split(";  "))
        note = f'<p class="note">{html.escape(step.note)}</p>' if step.note else ""
        arrow = '<div class="arr">=</div>' if operands else ""
        sections.append(
            f'<section class="step" data-step="{step.number}" id="step-{step.number}">'
            f"<h2>Step {step.number}: {html.escape(step.title)}</h2>"
            f'<code class="eq">{eq}</code>{note}'
            f'<div class="row">{operands}{arrow}{results}</div>'
            '<div class="status"></div></section>')
    X, y = trace["X"], trace["y"]
    boundary = ""
    if X.shape[1] == 2 and net is not None:
        boundary = ("<h2>Decision boundary</h2><figure>" + boundary_html(net, X, y) +
                    "<figcaption>What the network predicts over the plane of its two inputs "
                    "(its current weights), with the samples.</figcaption></figure>")
    history = net.history.loss if net is not None else []
    sizes = " → ".join([str(trace.layers[0]["n_inputs"])] +
                       [f"{i['n_units']} {i['activation']}" for i in trace.layers])
    payload = json.dumps(deps, separators=(",", ":")).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>Network {html.escape(sizes)}; loss <b>{html.escape(trace.loss.name)}</b> = "
        f"{trace.loss_value:.6g}; learning_rate = {trace.lr:g}. Hover or click a computed "
        "cell: it turns yellow and the cells it was computed from turn orange. The "
        "tutorial's signs: E = −∂L/∂output, d = −∂L/∂z, so the update adds "
        "learning_rate · inputᵀ d.</p>"
        f"<h2>Network</h2><figure>{network_svg(trace)}<figcaption>Edge width ∝ |w|; blue "
        "positive, red negative (weights before this step).</figcaption></figure>"
        f"{''.join(sections)}<h2>Loss curve</h2><figure>{loss_svg(history)}</figure>"
        f"{boundary}"
        f'<script type="application/json" id="deps">{payload}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )


def write_html(trace, path, net=None, decimals: int = 2, max_rows: int = 12) -> str:
    """Write the standalone report to ``path`` (atomically); returns the path.

    net : the network whose history and decision boundary are drawn (default:
        the traced one). decimals : digits shown (hover a cell's title for more).
    max_rows : rows shown per array.
    """
    text = render_html(trace, net=net, decimals=decimals, max_rows=max_rows)
    path = os.fspath(path)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
