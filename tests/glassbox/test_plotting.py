import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import glassnet as gn
from glassnet.glassbox import plotting as gp


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def rendered_colors(fig):
    """The number of distinct colours in the figure as rendered (Agg)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].reshape(-1, 3)
    return len(np.unique(pixels, axis=0))


@pytest.fixture
def small_net():
    net = gn.Network([gn.Dense(3, 2, "tanh"), gn.Dense(2, 1, "sigmoid")], seed=0)
    net.set_weights([
        (np.array([[0.5, -1.0], [2.0, 0.25], [-0.125, 1.5]]), np.array([0.1, -0.2])),
        (np.array([[-3.0], [0.75]]), np.array([0.3])),
    ])
    return net


# -- loss curve -------------------------------------------------------------------


def test_loss_curve_draws_the_history():
    X, y = gn.datasets.ray()
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=1)
    history = net.fit(X, y, epochs=25, lr=0.5, loss="half_sse", validation_data=(X[:2], y[:2]))
    fig = gp.loss_curve(history)
    assert isinstance(fig, Figure)
    train, val = fig.axes[0].get_lines()
    assert train.get_label() == "training loss" and val.get_label() == "validation loss"
    np.testing.assert_array_equal(train.get_ydata(), history.loss)
    np.testing.assert_array_equal(val.get_ydata(), history.val_loss)
    np.testing.assert_array_equal(train.get_xdata(), np.arange(25))
    assert fig.axes[0].get_xlabel() == "epoch"


def test_loss_curve_from_list_and_dict_and_log_scale():
    fig = gp.loss_curve([3.0, 2.0, 1.0], log_scale=True)
    (line,) = fig.axes[0].get_lines()
    assert line.get_ydata().tolist() == [3.0, 2.0, 1.0]
    assert fig.axes[0].get_yscale() == "log"
    fig = gp.loss_curve({"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]})
    assert [ln.get_ydata().tolist() for ln in fig.axes[0].get_lines()] == [[1, 0.5], [2, 1.5]]


def test_loss_curve_refuses_empty_and_wrong_types():
    with pytest.raises(ValueError, match="history is empty"):
        gp.loss_curve([])
    with pytest.raises(TypeError, match="History"):
        gp.loss_curve(3.0)


# -- decision boundary ---------------------------------------------------------------


def test_binary_decision_boundary_image_is_the_networks_output():
    # ŷ = σ(2·x1): the boundary ŷ = 0.5 is the line x1 = 0.
    net = gn.Network([gn.Dense(2, 1, "sigmoid")], seed=0)
    net.set_weights([(np.array([[2.0], [0.0]]), np.array([0.0]))])
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-0.5, 0.5], [0.5, -0.5]])
    y = np.array([0, 1, 0, 1])
    fig = gp.decision_boundary(net, X, y, resolution=50, margin=0.1)
    ax = fig.axes[0]
    (image,) = ax.get_images()
    grid = np.asarray(image.get_array())
    xs = np.linspace(-1.2, 1.2, 50)
    np.testing.assert_allclose(grid, np.tile(sigmoid(2 * xs), (50, 1)), atol=1e-12)
    assert image.get_extent() == pytest.approx([-1.2, 1.2, -1.2, 1.2])
    # the ŷ = 0.5 contour lies on x1 = 0
    contour = [c for c in ax.collections if hasattr(c, "allsegs")][0]
    vertices = np.vstack([seg for level in contour.allsegs for seg in level])
    np.testing.assert_allclose(vertices[:, 0], 0.0, atol=1e-9)
    points = [c for c in ax.collections if c.get_offsets().shape == (4, 2)][0]
    np.testing.assert_array_equal(points.get_offsets(), X)
    faces = points.get_facecolors()
    assert (faces[0] == faces[2]).all() and (faces[1] == faces[3]).all()
    assert not (faces[0] == faces[1]).all()
    assert rendered_colors(fig) > 50


def test_multiclass_decision_boundary_is_argmax():
    # logits (x1, x2, −x1 − x2): three regions meeting at the origin.
    net = gn.Network([gn.Dense(2, 3, "softmax", use_bias=False)], seed=0)
    net.set_weights([(np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]), None)])
    X = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, -2.0], [1.0, -1.0]])
    y = np.eye(3)[[0, 1, 2, 0]]  # one-hot rows
    fig = gp.decision_boundary(net, X, y, resolution=41, margin=0.0)
    grid = np.asarray(fig.axes[0].get_images()[0].get_array())
    xx, yy = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-2, 2, 41))
    expected = np.argmax(np.stack([xx, yy, -xx - yy]), axis=0)
    np.testing.assert_array_equal(grid, expected)
    assert set(np.unique(grid)) == {0, 1, 2}
    faces = [c for c in fig.axes[0].collections if len(c.get_offsets()) == 4][0].get_facecolors()
    assert len({tuple(f) for f in faces}) == 3
    assert rendered_colors(fig) > 3


def test_decision_boundary_needs_two_inputs(small_net):
    with pytest.raises(ValueError, match="two inputs"):
        gp.decision_boundary(small_net, np.zeros((4, 3)), np.zeros(4))


# -- network diagram -------------------------------------------------------------------


def test_network_diagram_draws_every_weight_by_sign_and_size(small_net):
    fig = gp.network_diagram(small_net, max_linewidth=6.0)
    ax = fig.axes[0]
    (edges,) = [c for c in ax.collections if c.get_gid() == "weights"]
    assert isinstance(edges, LineCollection)
    weights = np.array([0.5, -1.0, 2.0, 0.25, -0.125, 1.5, -3.0, 0.75])
    assert len(edges.get_segments()) == weights.size == 8
    colors = edges.get_colors()
    for w, c in zip(weights, colors):
        expected = gp.POSITIVE_COLOR if w > 0 else gp.NEGATIVE_COLOR
        assert tuple(c[:3]) == pytest.approx(to_rgba(expected)[:3])
    np.testing.assert_allclose(edges.get_linewidths(), np.maximum(6.0 * np.abs(weights) / 3, 0.2))
    # input 2 → hidden unit 1 carries W[1, 0] = 2.0: it starts at x = 0, ends at x = 1
    segment = edges.get_segments()[2]
    assert segment[0][0] == 0 and segment[1][0] == 1
    neurons = [len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("neu")]
    assert neurons == [3, 2, 1]
    texts = {t.get_text() for t in ax.texts}
    assert {"-3.00", "0.75", "b=0.30", "b=-0.20"} <= texts


def test_network_diagram_hides_values_of_large_networks():
    net = gn.Network([gn.Dense(20, 10), gn.Dense(10, 2)], seed=0)
    fig = gp.network_diagram(net)
    (edges,) = [c for c in fig.axes[0].collections if c.get_gid() == "weights"]
    W1 = net.layers[0].W
    # layer 1 (200 links) draws its 64 strongest and each unit's strongest incoming link;
    # layer 2 (20 links) draws all of them
    top = set(np.argsort(np.abs(W1), axis=None)[-64:].tolist())
    top |= {int(i) * 10 + j for j, i in enumerate(np.abs(W1).argmax(axis=0))}
    assert len(edges.get_segments()) == len(top) + 20
    assert f"layer 1: {len(top)} strongest of 200" in fig.axes[0].get_title()
    assert not any(t.get_text().startswith("0.") for t in fig.axes[0].texts)


def test_network_diagram_fades_small_weights(small_net):
    fig = gp.network_diagram(small_net)
    (edges,) = [c for c in fig.axes[0].collections if c.get_gid() == "weights"]
    weights = np.array([0.5, -1.0, 2.0, 0.25, -0.125, 1.5, -3.0, 0.75])
    alphas = edges.get_colors()[:, 3]
    assert alphas[np.argmax(np.abs(weights))] == pytest.approx(1.0)
    order = np.argsort(np.abs(weights))
    assert (np.diff(alphas[order]) > 0).all()  # the larger |w|, the more opaque


def test_network_diagram_without_matplotlib_names_the_extra(monkeypatch, small_net):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install glassnet\[plot\]"):
        gp.network_diagram(small_net)


# -- histograms ------------------------------------------------------------------------


def bar_counts(ax):
    return {c.get_label(): sum(p.get_height() for p in c.patches) for c in ax.containers}


def test_weight_histograms_count_every_parameter():
    net = gn.Network([gn.Dense(4, 6), gn.Dense(6, 2, use_bias=False)], seed=3)
    fig = gp.weight_histograms(net, bins=10)
    assert len(fig.axes) == 2
    assert bar_counts(fig.axes[0]) == {"W": 24, "b": 6}
    assert bar_counts(fig.axes[1]) == {"W": 12}
    W = net.layers[0].W
    edges = [p.get_x() for p in fig.axes[0].containers[0].patches]
    assert edges[0] == pytest.approx(W.min())


def test_activation_histograms_count_and_range(small_net):
    X = np.random.default_rng(0).normal(size=(40, 3))
    small_net.forward(X[:5])
    before = small_net.layers[0].a.copy()
    fig = gp.activation_histograms(small_net, X, bins=8)
    assert [bar_counts(ax)["a"] for ax in fig.axes] == [80, 40]
    for ax, (lo, hi) in zip(fig.axes, [(-1, 1), (0, 1)]):
        patches = ax.containers[0].patches
        assert lo <= patches[0].get_x() and patches[-1].get_x() + patches[-1].get_width() <= hi
    np.testing.assert_array_equal(small_net.layers[0].a, before)


# -- saving, pyplot, missing matplotlib -----------------------------------------------------


def test_figures_save_as_png(tmp_path, small_net):
    path = tmp_path / "net.png"
    gp.network_diagram(small_net).savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_save_figure_replaces_atomically(tmp_path, small_net):
    path = tmp_path / "diagram.svg"
    path.write_text("old")
    assert gp.save_figure(gp.network_diagram(small_net), path) == str(path)
    assert "<svg" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagram.svg"]


def test_plots_do_not_import_pyplot():
    code = (
        "import sys, numpy as np, glassnet as gn, glassnet.glassbox.plotting as gp\n"
        "net = gn.Network([gn.Dense(2, 2), gn.Dense(2, 1)], seed=0)\n"
        "X = np.array([[0., 0.], [1., 1.]]); h = net.fit(X, [0, 1], epochs=3)\n"
        "gp.loss_curve(h); gp.decision_boundary(net, X, [0, 1]); gp.network_diagram(net)\n"
        "gp.weight_histograms(net); gp.activation_histograms(net, X)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install glassnet\[plot\]"):
        gp.loss_curve([1.0])


def test_activation_histograms_leave_the_cached_forward_values_as_they_were():
    net = gn.Network([gn.Dense(2, 4, "tanh"), gn.Dense(4, 1, "sigmoid")], seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    net.forward(X)
    before = [layer.a.copy() for layer in net.layers]
    gp.activation_histograms(net, X + 1.0)  # same number of rows: same work arrays
    for layer, a in zip(net.layers, before):
        np.testing.assert_array_equal(layer.a, a)
