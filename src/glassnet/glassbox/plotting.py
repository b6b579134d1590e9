"""Plots of a network and its training, each returned as a matplotlib Figure.

matplotlib is an optional extra (``pip install glassnet[plot]``), imported only
when a plot is made. The figures are built on ``matplotlib.figure.Figure``
directly, without pyplot, so nothing here touches pyplot's global state or
opens a window: save one with ``fig.savefig("loss.png")``, or show it in a
notebook after ``%matplotlib inline``::

    import glassnet.glassbox.plotting as gp
    fig = gp.loss_curve(net.history)
    fig.savefig("loss.png")

- :func:`loss_curve` — training (and validation) loss per epoch;
- :func:`decision_boundary` — a 2-D classifier's regions over its data;
- :func:`network_diagram` — neurons and weights, line width ∝ |w|, colour by sign;
- :func:`weight_histograms`, :func:`activation_histograms` — one panel per layer;
- :func:`lr_find_curve` — the learning-rate finder's loss against the rate.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._files import atomic_write
from glassnet.glassbox import palette

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from glassnet.network import Network

#: Colours of positive and negative weights in the network diagram
POSITIVE_COLOR = palette.POSITIVE_COLOUR
NEGATIVE_COLOR = palette.NEGATIVE_COLOUR
#: links drawn per layer before the diagram keeps only the strongest
MAX_LINKS_PER_LAYER = 64


def _require_matplotlib() -> None:
    """Say how to install matplotlib when it is missing (before any plot imports it)."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError:
        raise ImportError(
            "glassnet's plots need matplotlib, which is not installed. Install it with "
            "`pip install glassnet[plot]` (or `pip install matplotlib`)."
        ) from None


def _figure(**kwargs) -> Figure:
    """A pyplot-free Figure (matplotlib imported here, so glassnet works without it)."""
    _require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _class_legend(ax: Any, n_classes: int, class_names: Sequence[str] | None) -> None:
    """A legend naming each class's colour (the colours of :mod:`palette`)."""
    from matplotlib.patches import Patch

    names = (list(class_names) if class_names and len(class_names) == n_classes
             else [f"class {k}" for k in range(n_classes)])
    handles = [Patch(facecolor=palette.CLASS_COLOURS[k % len(palette.CLASS_COLOURS)],
                     edgecolor="black", label=str(name)) for k, name in enumerate(names)]
    ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 100) -> str:
    """Write ``fig`` to ``path`` (format from the suffix) through a temporary file in the
    same folder, so a reader never sees half a file. Returns the path written."""
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1] or ".png"
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format=suffix.lstrip(".").lower(), dpi=dpi)
    return path


def _history_series(history: Any) -> tuple[list[float], list[float]]:
    if isinstance(history, Mapping):
        return list(history.get("loss", [])), list(history.get("val_loss", []))
    if hasattr(history, "loss"):
        return list(history.loss), list(getattr(history, "val_loss", []))
    if isinstance(history, Sequence) and not isinstance(history, str):
        return [float(v) for v in history], []
    raise TypeError(
        "loss_curve expects a History (net.fit's return value), a dict with 'loss' "
        f"(and 'val_loss'), or a list of losses, but got {type(history).__name__}."
    )


def loss_curve(history: Any, log_scale: bool = False, title: str = "Loss per epoch") -> Figure:
    """The training loss (and the validation loss, when recorded) against the epoch.

    ``history`` is a :class:`~glassnet.History`, a ``{"loss": [...],
    "val_loss": [...]}`` dict or a plain list of losses. Epoch e is at x = e.
    """
    train, val = _history_series(history)
    if not train:
        raise ValueError("loss_curve needs at least one recorded epoch, but the history is empty.")
    fig = _figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(np.arange(len(train)), train, label="training loss", color="C0")
    if val:
        ax.plot(np.arange(len(val)), val, label="validation loss", color="C1")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def _labels(y: Any, n_samples: int) -> np.ndarray:
    """Integer class labels from 1-D labels, a 0/1 column or one-hot rows."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        labels = y.argmax(axis=1)
    else:
        y = y.reshape(-1)
        labels = np.rint(y).astype(np.int64) if y.dtype.kind == "f" else y.astype(np.int64)
    if labels.shape[0] != n_samples:
        raise ValueError(f"y has {labels.shape[0]} labels but X has {n_samples} rows.")
    return labels


def decision_boundary(net: Network, X: Any, y: Any, resolution: int = 200,
                      margin: float = 0.1, title: str = "Decision boundary",
                      class_names: Sequence[str] | None = None) -> Figure:
    """The classes a 2-input classifier predicts over the plane, with the data on top.

    The grid spans X's range plus ``margin`` of it on each side, ``resolution``
    points per axis. One output unit: the image is ŷ (the probability of class
    1, colour scale 0–1) and a black line marks ŷ = 0.5. Several output units:
    the image is the predicted class argmax ŷ. ``y`` may be 1-D labels, a 0/1
    column or one-hot rows; the points are coloured by it. Colours are
    :mod:`glassnet.glassbox.palette`'s, as in the HTML report (class 0 blue,
    class 1 red, …), and a legend names them (``class_names``, or "class k").
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or net.n_inputs != 2:
        raise ValueError(
            "decision_boundary draws classifiers of two inputs, but X has shape "
            f"{X.shape} and the network takes {net.n_inputs} input(s). Reduce the data to two "
            "features (or plot two of them with a network trained on those two)."
        )
    labels = _labels(y, X.shape[0])
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad, hi + pad
    gx, gy = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    out = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))

    fig = _figure(figsize=(6, 5), layout="constrained")
    ax = fig.add_subplot()
    extent = (lo[0], hi[0], lo[1], hi[1])
    n_classes = max(int(labels.max()) + 1, out.shape[1] if out.shape[1] > 1 else 2)
    if out.shape[1] == 1:
        from matplotlib.colors import LinearSegmentedColormap

        grid = out[:, 0].reshape(resolution, resolution)
        ends = palette.region_rgb(np.array([[0.0], [1.0]])) / 255.0
        cmap = LinearSegmentedColormap.from_list("glassnet-binary", ends)
        image = ax.imshow(grid, origin="lower", extent=extent, aspect="auto", cmap=cmap,
                          vmin=0.0, vmax=1.0, interpolation="bilinear")
        if grid.min() < 0.5 < grid.max():
            ax.contour(xx, yy, grid, levels=[0.5], colors="black", linewidths=1.5)
        fig.colorbar(image, ax=ax, label="ŷ = P(class 1)")
    else:
        from matplotlib.colors import ListedColormap

        grid = out.argmax(axis=1).reshape(resolution, resolution)
        class_cmap = ListedColormap(palette.region_rgb(np.eye(n_classes)) / 255.0)
        ax.imshow(grid, origin="lower", extent=extent, aspect="auto", cmap=class_cmap,
                  vmin=-0.5, vmax=n_classes - 0.5, interpolation="nearest")
    colors = palette.class_rgb(labels) / 255.0
    ax.scatter(X[:, 0], X[:, 1], c=colors, s=14, edgecolors="white", linewidths=0.4)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(title)
    _class_legend(ax, n_classes, class_names)
    return fig


def _layer_positions(sizes: list[int]) -> list[np.ndarray]:
    """(x, y) of every neuron: layer l at x = l, its units spread evenly in y ∈ [0, 1]."""
    positions = []
    for l, n in enumerate(sizes):
        ys = np.array([0.5]) if n == 1 else np.linspace(1.0, 0.0, n)
        positions.append(np.column_stack([np.full(n, float(l)), ys]))
    return positions


def network_diagram(net: Network, max_linewidth: float = 4.0, show_values: bool | None = None,
                    title: str | None = None) -> Figure:
    """Neurons as circles, one line per weight: width ∝ |w|, blue if w > 0, red if w < 0.

    Layer l's units sit at x = l (inputs at x = 0). The line from input i of
    a Dense layer to its unit j carries W[i, j]; biases are written under their
    unit. ``show_values`` writes every weight on its line (default: when the
    network has at most 40 weights). Opacity grows with |w| too, so small weights
    fade; a layer of more than ``MAX_LINKS_PER_LAYER`` links draws only its
    strongest (and each unit's strongest incoming link), and the title says how
    many. All weight lines are one LineCollection with gid ``"weights"``, in the
    order of ``W.ravel()`` layer by layer.
    """
    _require_matplotlib()
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    dense = net.dense_layers
    sizes = [net.n_inputs] + [layer.n_units for layer in dense]
    positions = _layer_positions(sizes)
    segments, weights, label_at, dropped = [], [], [], []
    for l, layer in enumerate(dense):
        keep = palette.strongest_links(layer.W, MAX_LINKS_PER_LAYER)
        if not keep.all():
            dropped.append(f"layer {l + 1}: {int(keep.sum())} strongest of {keep.size}")
        for i, j in zip(*np.nonzero(keep)):
            segments.append([positions[l][i], positions[l + 1][j]])
            weights.append(float(layer.W[i, j]))
            # stagger the labels by target unit, so those from one source do not pile up
            label_at.append(0.2 + 0.6 * (j + 0.5) / layer.n_units)
    w = np.array(weights)
    largest = float(np.abs(w).max()) if w.size else 0.0
    widths = max_linewidth * np.abs(w) / largest if largest > 0 else np.zeros_like(w)
    colors = [to_rgba(POSITIVE_COLOR if v >= 0 else NEGATIVE_COLOR, alpha)
              for v, alpha in zip(w, palette.weight_opacity(w))]
    if show_values is None:
        show_values = w.size <= 40

    size = (2.0 + 2.4 * len(dense), 2.0 + 0.6 * min(max(sizes), 30))
    fig = _figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    edges = LineCollection(segments, linewidths=np.maximum(widths, 0.2), colors=colors,
                           zorder=1)
    edges.set_gid("weights")
    ax.add_collection(edges)
    if show_values:
        for (p, q), v, f in zip(segments, w, label_at):
            mid = p + f * (q - p)
            ax.text(mid[0], mid[1], f"{v:.2f}", fontsize=7, ha="center", va="center",
                    color=POSITIVE_COLOR if v >= 0 else NEGATIVE_COLOR,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    for l, pos in enumerate(positions):
        activation = "" if l == 0 else dense[l - 1].activation.name
        neurons = ax.scatter(pos[:, 0], pos[:, 1], s=420, c="white", edgecolors="black",
                             linewidths=1.2, zorder=2)
        neurons.set_gid(f"neurons-{l}")
        ax.text(l, 1.12, "inputs" if l == 0 else f"layer {l}\n{activation}",
                ha="center", va="bottom", fontsize=8)
        bias = dense[l - 1].b if l > 0 else None
        if bias is not None and sizes[l] <= 12:
            for (x0, y0), b in zip(pos, bias):
                ax.text(x0, y0 - 0.07, f"b={b:.2f}", ha="center", va="top", fontsize=7)
    ax.set_xlim(-0.4, len(dense) + 0.4)
    ax.set_ylim(-0.2, 1.3)
    ax.set_axis_off()
    widths_txt = " → ".join(str(s) for s in sizes)
    note = f"\nlinks drawn: {'; '.join(dropped)}" if dropped else ""
    ax.set_title(title or f"Network {widths_txt}: blue w > 0, red w < 0, width ∝ |w|{note}")
    return fig


def _panel_grid(n: int, title: str) -> tuple[Figure, list[Any]]:
    fig = _figure(figsize=(3.2 * n, 3.0), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    fig.suptitle(title)
    return fig, list(axes)


def weight_histograms(net: Network, bins: int = 30) -> Figure:
    """One panel per Dense layer: the histogram of its weights W (and biases b).

    Each histogram is a bar container labelled ``"W"`` or ``"b"``; its
    counts sum to the number of weights (biases) of that layer.
    """
    dense = net.dense_layers
    fig, axes = _panel_grid(len(dense), "Weights per layer")
    for l, (ax, layer) in enumerate(zip(axes, dense), start=1):
        ax.hist(layer.W.ravel(), bins=bins, color="C0", alpha=0.8, label="W")[2].set_label("W")
        if layer.b is not None:
            ax.hist(layer.b, bins=bins, color="C1", alpha=0.6, label="b")[2].set_label("b")
        ax.set_title(f"layer {l}: {layer.n_inputs}×{layer.n_units}")
        ax.set_xlabel("value")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("count")
    return fig


def activation_histograms(net: Network, X: Any, bins: int = 30) -> Figure:
    """One panel per layer: the histogram of its activations a = f(z) over X.

    Panel l counts every entry of layer l's output for X, so its counts sum
    to n_samples × n_units. The network's cached forward values are restored
    afterwards.
    """
    X = net.check_X(X)
    # copies: the forward pass below writes into the very arrays the layers hold
    saved = [
        tuple(None if v is None else v.copy() for v in (layer.x, layer.z, layer.a))
        for layer in net.dense_layers
    ]
    try:
        net.forward(X)
        outputs = [a.copy() for a in (layer.a for layer in net.dense_layers) if a is not None]
    finally:
        for layer, (x, z, a) in zip(net.dense_layers, saved):
            layer.x, layer.z, layer.a = x, z, a
    fig, axes = _panel_grid(len(outputs), f"Activations per layer over {X.shape[0]} samples")
    for l, (ax, layer, a) in enumerate(zip(axes, net.dense_layers, outputs), start=1):
        ax.hist(a.ravel(), bins=bins, color=f"C{l % 10}", alpha=0.85)[2].set_label("a")
        ax.set_title(f"layer {l}: {layer.activation.name}, {layer.n_units} units")
        ax.set_xlabel("activation")
    axes[0].set_ylabel("count")
    return fig


def lr_find_curve(result: Any, ax: Any = None) -> Figure:
    """The learning-rate finder's curve (:meth:`glassnet.Network.lr_find`): the raw and
    smoothed loss against the learning rate on a log axis, the suggestion marked."""
    fig = None
    if ax is None:
        fig = _figure(figsize=(6, 4), layout="constrained")
        ax = fig.add_subplot()
    ax.plot(result.lrs, result.losses, color="C0", alpha=0.35, label="loss")
    ax.plot(result.lrs, result.smoothed, color="C0", label="smoothed loss")
    ax.axvline(result.suggestion, color="C3", linestyle="--",
               label=f"suggestion {result.suggestion:.2g} (steepest fall)")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss")
    ax.set_title("Learning-rate finder")
    ax.legend(fontsize=8)
    return fig if fig is not None else ax.figure
