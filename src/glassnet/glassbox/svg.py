"""The report's pictures as inline SVG: the network, the loss curve, the decision regions.

Colours come from :mod:`glassnet.glassbox.palette`, so these agree with the
matplotlib plots of :mod:`glassnet.glassbox.plotting`. The decision regions are
a PNG (encoded here with ``zlib``, no imaging library) under the samples.
"""

from __future__ import annotations

import base64
import html
import struct
import zlib
from collections.abc import Sequence

import numpy as np

from glassnet.glassbox import palette

#: links drawn per layer before the diagram keeps only the strongest
MAX_LINKS_PER_LAYER = 64
#: neurons drawn per layer (wider layers show their first ones and a count)
MAX_NEURONS = 12


def _ys(n: int, height: int) -> np.ndarray:
    return np.linspace(30, height - 30, n) if n > 1 else np.array([height / 2])


def network_svg(trace, width: int = 520, height: int = 260) -> tuple[str, str]:
    """The network as inline SVG, and a note on what was left out.

    A column of neurons per layer; a line per weight, blue for w > 0 and red for
    w < 0, its width and opacity ∝ |w| (hover a line for its value). A layer with
    more than ``MAX_LINKS_PER_LAYER`` links draws its strongest ones only (and
    each unit's strongest incoming link); the note says how many.
    """
    sizes = [trace.layers[0]["n_inputs"]] + [info["n_units"] for info in trace.layers]
    weights = [np.asarray(trace[info["W"]]) for info in trace.layers]
    biggest = max(float(np.abs(W).max()) for W in weights) or 1.0
    xs = np.linspace(40, width - 40, len(sizes))
    shown = [min(n, MAX_NEURONS) for n in sizes]
    parts, notes = [], []
    for l, W in enumerate(weights):
        visible = W[:shown[l], :shown[l + 1]]
        keep = palette.strongest_links(visible, MAX_LINKS_PER_LAYER)
        if not keep.all() or visible.size < W.size:
            drawn = "all" if keep.all() else f"the {int(keep.sum())} strongest"
            among = f"{visible.size} links" if visible.size == W.size else (
                f"{visible.size} links between the units drawn ({W.size} in the layer)")
            notes.append(f"layer {l + 1}: {drawn} of the {among}")
        opacity = palette.weight_opacity(visible, biggest)
        y0, y1 = _ys(shown[l], height), _ys(shown[l + 1], height)
        for i, j in zip(*np.nonzero(keep)):
            w = float(visible[i, j])
            colour = palette.POSITIVE_COLOUR if w >= 0 else palette.NEGATIVE_COLOUR
            parts.append(
                f'<line x1="{xs[l]:.1f}" y1="{y0[i]:.1f}" x2="{xs[l + 1]:.1f}" '
                f'y2="{y1[j]:.1f}" stroke="{colour}" stroke-opacity="{opacity[i, j]:.2f}" '
                f'stroke-width="{0.5 + 4 * abs(w) / biggest:.2f}"><title>'
                f"w[{i},{j}] = {w:.6g}</title></line>")
    labels = ["input"] + [f"{info['activation']}" for info in trace.layers]
    for l, n in enumerate(shown):
        for y in _ys(n, height):
            parts.append(f'<circle cx="{xs[l]:.1f}" cy="{y:.1f}" r="9" fill="#fff" '
                         'stroke="#333" stroke-width="1.5"/>')
        extra = f" ({sizes[l]})" if sizes[l] > n else ""
        parts.append(f'<text x="{xs[l]:.1f}" y="{height - 6}" font-size="11" '
                     f'text-anchor="middle">{labels[l]}{extra}</text>')
    note = ("Drawn: " + "; ".join(notes) + " (every weight is in the tables below)."
            if notes else "")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'class="network" role="img">{"".join(parts)}</svg>'), note


def loss_svg(losses: Sequence[float], label: str, width: int = 520, height: int = 220,
             epochs: int | None = None) -> str:
    """A polyline of the loss per epoch, its first and last values and ``label`` written
    on it. The values are embedded as ``data-losses`` (JSON), exactly as plotted.
    ``epochs``: how many epochs evenly spaced ``losses`` stand for (default: their count)."""
    values = np.asarray(losses, dtype=float)
    if values.size < 2:
        return ('<p class="note">No loss curve yet: <code>net.fit(...)</code> records the '
                "loss of every epoch in <code>net.history</code>.</p>")
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo or 1.0
    x = 50 + (width - 70) * np.arange(values.size) / (values.size - 1)
    y = 15 + (height - 45) * (hi - values) / span
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y))
    data = "[" + ",".join(repr(float(v)) for v in values) + "]"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'class="loss" role="img" data-losses="{data}"><rect x="50" y="15" '
        f'width="{width - 70}" height="{height - 45}" fill="none" stroke="#ccc"/>'
        f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{points}"/>'
        f'<text x="46" y="20" font-size="10" text-anchor="end">{hi:.6g}</text>'
        f'<text x="46" y="{height - 30}" font-size="10" text-anchor="end">{lo:.6g}</text>'
        f'<text x="56" y="28" font-size="10">{html.escape(label)}</text>'
        f'<text x="{width / 2:.0f}" y="{height - 8}" font-size="11" text-anchor="middle">'
        f"epoch (1 … {epochs or values.size})</text></svg>")


def png(rgb: np.ndarray) -> bytes:
    """Encode an (h, w, 3) uint8 image as PNG (zlib and struct, no imaging library)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _legend(class_names: Sequence[str]) -> str:
    items = []
    for k, name in enumerate(class_names):
        colour = palette.CLASS_COLOURS[k % len(palette.CLASS_COLOURS)]
        items.append(f'<span class="swatch" style="background:{colour}"></span>'
                     f"{html.escape(str(name))}")
    return f'<div class="legend">{" ".join(items)}</div>'


def boundary_html(net, X, y, size: int = 300, resolution: int = 120,
                  class_names: Sequence[str] | None = None) -> str:
    """The decision regions of a 2-input network over the range of X, the samples and a
    legend naming each class's colour (one sigmoid output: ŷ = P(class 1) blends them)."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad
    gx = np.linspace(lo[0], hi[0], resolution)
    gy = np.linspace(hi[1], lo[1], resolution)  # image rows run top to bottom
    grid = np.column_stack([np.tile(gx, resolution), np.repeat(gy, resolution)])
    outputs = net.predict(grid)
    img = palette.region_rgb(outputs).reshape(resolution, resolution, 3).astype(np.uint8)
    uri = "data:image/png;base64," + base64.b64encode(png(img)).decode("ascii")
    labels = (y[:, 0] >= 0.5).astype(int) if y.shape[1] == 1 else np.argmax(y, axis=1)
    dots = []
    for (a, b), (r, g, bl) in zip(X[:500], palette.class_rgb(labels[:500]).astype(int)):
        cx = (a - lo[0]) / (hi[0] - lo[0]) * size
        cy = (hi[1] - b) / (hi[1] - lo[1]) * size
        dots.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="rgb({r},{g},{bl})" '
                    'stroke="#000" stroke-width="0.6"/>')
    n_classes = max(2, outputs.shape[1])
    names = list(class_names) if class_names and len(class_names) == n_classes else [
        f"class {k}" for k in range(n_classes)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'class="boundary" role="img"><image href="{uri}" width="{size}" height="{size}" '
            f'preserveAspectRatio="none"/>{"".join(dots)}</svg>{_legend(names)}')
