import re
import sys

import numpy as np
import pytest

from glassnet import tutorials
from glassnet.tools import cli, demos


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def table(text):
    """{epoch: error} from the tutorial-style 'Error at epoch E is V' lines."""
    return {int(e): float(v) for e, v in re.findall(r"Error at epoch (\d+) is ([0-9.]+)", text)}


def test_ray_demo_learns_and_matches_the_tutorial_loop(capsys):
    run = demos.ray(epochs=500)
    out = capsys.readouterr().out
    assert sorted(table(out)) == list(range(0, 500, 50))
    diff = float(re.search(r"glassnet and the tutorial's loop: ([0-9.e+-]+)", out).group(1))
    assert diff < 1e-12
    assert run.X.shape == (3, 4) and run.y.shape == (3, 1) and len(run.history) == 500
    np.testing.assert_array_equal(run.X, tutorials.RAY_X)


def test_loy_demo_returns_the_trained_net(capsys):
    run = demos.loy()
    out = capsys.readouterr().out
    assert "James Loy" in out
    assert np.abs(run.net.predict(run.X) - run.y).max() < 0.1


def test_walkthrough_demo_reproduces_the_article(capsys):
    demos.walkthrough()
    out = capsys.readouterr().out
    assert table(out) == dict(zip(range(0, 1000, 100), tutorials.WALKTHROUGH_PUBLISHED_ERRORS))
    assert "equal to 5 decimals" in out and "NOT equal" not in out


def test_moons_demo_as_shipped(capsys, tmp_path):
    path = tmp_path / "moons.png"
    run = demos.moons(plot_path=path)
    out = capsys.readouterr().out
    errors = table(out)
    assert sorted(errors) == list(range(0, 10000, 1000))
    assert errors[9000] < 0.02 < errors[0]
    accuracy = float(re.search(r"accuracy .*: ([0-9.]+)%", out).group(1))
    assert accuracy > 95
    assert run.X.shape == (1000, 2) and run.X.max(axis=0) == pytest.approx([1.0, 1.0])
    assert [layer.n_units for layer in run.net.layers] == [10, 1]
    assert all(layer.b is None for layer in run.net.layers)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"decision boundary saved to {path}" in out


def test_moons_first_error_is_the_untrained_networks(capsys):
    run = demos.moons(epochs=1, n_samples=200, plot_path=None)
    # the same untrained network, by hand: seed 42 draws U[0, 1) weights, layer by layer
    rng = np.random.default_rng(42)
    W1, W2 = rng.uniform(size=(2, 10)), rng.uniform(size=(10, 1))
    output = sigmoid(sigmoid(run.X @ W1) @ W2)[:, 0]
    expected = np.mean(np.square(run.y - output) / 2)
    assert table(capsys.readouterr().out)[0] == pytest.approx(expected, abs=5e-6)


def test_blobs_demo_as_shipped(capsys, tmp_path):
    path = tmp_path / "blobs.png"
    run = demos.blobs(plot_path=path)
    out = capsys.readouterr().out
    accuracy = float(re.search(r"^accuracy: ([0-9.]+)%", out, re.M).group(1))
    assert accuracy > 95
    assert run.net.layers[-1].activation.name == "softmax" and run.net.n_outputs == 3
    assert sorted(np.unique(run.y).tolist()) == [0, 1, 2]
    assert run.X.min() == 0.0 and run.X.max() == 1.0
    assert path.exists()
    rows = re.findall(r"^\s+(\d)\s+(\d+)\s+(\d+)$", out, re.M)
    assert [int(r[0]) for r in rows] == [0, 1, 2]
    assert sum(int(r[1]) for r in rows) == 1000


def test_demo_without_matplotlib_says_how_to_get_the_plot(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    path = tmp_path / "none.png"
    demos.blobs(epochs=5, n_samples=30, plot_path=path)
    assert "pip install glassnet[plot]" in capsys.readouterr().out
    assert not path.exists()


def test_cli_lists_all_demos_and_runs_ray_by_default(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert set(demos.DEMOS) == {"ray", "loy", "walkthrough", "moons", "blobs"}
    for name in demos.DEMOS:
        assert cli.build_parser().parse_args(["demo", name]).name == name
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Sunil Ray's network" in out and len(table(out)) == 10
