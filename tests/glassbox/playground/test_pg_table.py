"""Your own data in the playground: from_table, the served page, the CLI on a CSV file."""

import base64
import contextlib
import copy
import json
import re
import signal
import subprocess
import sys
import urllib.request

import numpy as np
import pytest
from pg_server_helpers import api_state, control, request
from playwright.sync_api import sync_playwright

import chromium
from glassnet.glassbox.playground import frames
from glassnet.glassbox.playground.launch import Server
from glassnet.glassbox.playground.session import Session
from glassnet.glassbox.playground.table import from_table
from glassnet.glassbox.playground.training import train_epoch
from glassnet.losses import CategoricalCrossEntropy

SETTINGS = "#networkShape=5,3&learningRate=0.1&seed=0.25&batchSize=7"


def table():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(240, 4)) * [1, 2, 0.5, 3] + [0, 1, -1, 5]
    y = np.where(X[:, 0] - 0.5 * X[:, 1] + X[:, 2] > -1.5, "yes", "no")
    return X, y


@contextlib.contextmanager
def serving(axes=(0, 1)):
    X, y = table()
    server = Server(Session(from_table(X, y, ["a", "b", "c", "d"], "label", SETTINGS, axes)))
    try:
        yield server.start()
    finally:
        server.stop()


def test_a_table_trains_with_playgrounds_epoch():
    X, y = table()
    pg = from_table(X, y, ["a", "b", "c", "d"], "label", SETTINGS, axes=(2, 0))
    assert pg.feature_ids == ["a", "b", "c", "d"] and pg.classes == ("no", "yes")
    assert pg.train.shape == (120, 5) and set(pg.train[:, 2]) == {-1.0, 1.0}
    rows = {tuple(r) for r in np.column_stack([X[:, 2], X[:, 0], np.where(y == "yes", 1.0, -1.0),
                                               X[:, 1], X[:, 3]])}
    assert {tuple(r) for r in np.vstack([pg.train, pg.test])} == rows  # every row, once
    np.testing.assert_array_equal(pg.inputs(pg.train[:3])[:, [2, 0, 1, 3]],
                                  pg.train[:3, [0, 1, 3, 4]])
    grid = pg.inputs(frames.grid(pg.domain))  # the heatmap: c across, a up, b and d at their mean
    mean = X.mean(axis=0)
    assert np.all(grid[:, 1] == mean[1]) and np.all(grid[:, 3] == mean[3])
    assert grid[:, 2].min() < X[:, 2].min() and grid[:, 0].max() > X[:, 0].max()
    first = pg.loss_train
    for _ in range(30):
        train_epoch(pg)
    assert pg.loss_train < first / 2


def three_classes(n=300, seed=0):
    """Three blobs in four columns (the last two noise), classes named a, b, c."""
    rng = np.random.default_rng(seed)
    c = rng.integers(0, 3, n)
    X = np.column_stack([np.array([[-2, 0], [2, 0], [0, 2.5]])[c] + rng.normal(size=(n, 2)) * 0.7,
                         rng.normal(size=(n, 2))])
    return X, np.array(["a", "b", "c"])[c]


def test_three_classes_train_a_softmax_with_cross_entropy_on_the_engine():
    X, y = three_classes()
    pg = from_table(X, y, url="#seed=0.3&learningRate=0.3&networkShape=4&batchSize=150")
    out = pg.network.layers[-1]
    assert (out.n_units, out.activation.name, pg.error.name) == (3, "softmax",
                                                                 "categorical_crossentropy")
    assert pg.classes == ("a", "b", "c") and set(pg.train[:, 2]) == {0.0, 1.0, 2.0}
    T = pg.targets(pg.train)
    np.testing.assert_array_equal(T.argmax(axis=1), pg.train[:, 2])
    # one batch of all 150 training rows: Playground's update is the engine's full-batch
    # gradient step on the mean cross-entropy, w ← w − η ∂L/∂w
    engine = copy.deepcopy(pg.network)
    engine.forward(pg.inputs(pg.train))
    engine.backward(T, CategoricalCrossEntropy())
    expected = [(layer.W - 0.3 * layer.dW, layer.b - 0.3 * layer.db) for layer in engine.layers]
    train_loss, _ = train_epoch(pg)
    for (W, b), layer in zip(expected, pg.network.layers):
        np.testing.assert_allclose(layer.W, W, rtol=0, atol=1e-12)
        np.testing.assert_allclose(layer.b, b, rtol=0, atol=1e-12)
    o = pg.network.predict(pg.inputs(pg.train))
    assert train_loss == pytest.approx(-np.mean(np.log(o[T == 1])), rel=1e-12)
    for _ in range(40):
        train_epoch(pg)
    figures = frames.figures(pg)["test"]
    predicted = pg.network.predict(pg.inputs(pg.test)).argmax(axis=1)
    truth = pg.test[:, 2].astype(int)
    assert figures["accuracy"] == np.mean(predicted == truth) > 0.9
    confusion = np.array(figures["confusion"])
    assert confusion.shape == (3, 3) and confusion.sum() == len(pg.test)
    assert confusion[1, 2] == np.sum((truth == 1) & (predicted == 2))


def test_numbered_classes_need_task_classification_and_nine_are_refused():
    X, y = three_classes()
    codes = np.searchsorted(["a", "b", "c"], y)
    assert from_table(X, codes).is_regression  # numbers with 3 values: regression
    assert from_table(X, codes, task="classification").n_classes == 3
    with pytest.raises(ValueError, match="9 classes; the playground trains 2 to 8"):
        from_table(X, np.arange(len(X)) % 9, task="classification")
    with pytest.raises(ValueError, match="regression target must be numbers"):
        from_table(X, y, task="regression")


def test_the_page_colours_three_classes():
    X, y = three_classes()
    session = Session(from_table(X, y, ["p", "q", "r", "s"], "kind",
                                 "#seed=0.3&learningRate=0.3&networkShape=4"))
    server = Server(session).start()
    try:
        with sync_playwright() as p:
            browser = chromium.launch(p)
            page = browser.new_page(viewport={"width": 1300, "height": 950})
            problems, requests = [], []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"http://127.0.0.1:{server.port}/")
            page.wait_for_selector("#legend .class")
            assert page.locator("#legend .class").all_inner_texts() == ["a", "b", "c"]
            assert "3 classes: a, b, c; a softmax output" in page.inner_text("#table-info")
            for _ in range(5):
                control(server, action="step")
            for _ in range(200):
                if page.inner_text("#iter-number") == "000,005":
                    break
                page.wait_for_timeout(50)
            page.wait_for_timeout(300)
            assert page.inner_text("#heatmap-label").startswith("The class (argmax ŷ")
            frame = session.frame()
            pixels = np.array(page.evaluate("""() => {
                const c = document.getElementById("heatmap-canvas");
                return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data);
            }""")).reshape(-1, 4)[:, :3]
            cs = np.frombuffer(base64.b64decode(frame["classmap"]), np.uint8).reshape(-1, 2)
            palette = np.array([[int(h[k:k + 2], 16) for k in (1, 3, 5)]
                                for h in session.config()["table"]["palette"]])
            expected = np.floor(255 - (255 - palette[cs[:, 0]]) * cs[:, 1:] / 255 + 0.5)
            assert len(np.unique(cs[:, 0])) == 3  # all three regions are on the map
            np.testing.assert_array_equal(pixels, expected)
            figures = page.inner_text("#figures")
            confusion = frame["figures"]["test"]["confusion"]
            assert "; ".join(" ".join(map(str, r)) for r in confusion) in figures
            assert "rows: true a, b, c" in figures
            centres = page.evaluate("""() => {
                const c = document.getElementById("points-canvas");
                return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data);
            }""")
            centres = np.array(centres).reshape(300, 300, 4)
            lo, hi = session.domain
            hits = 0
            for x1, x2, label, *_ in session.pg.train[:40]:
                col, row = round((x1 - lo) / (hi - lo) * 300), round((hi - x2) / (hi - lo) * 300)
                near = centres[row - 1 : row + 2, col - 1 : col + 2, :3].reshape(-1, 1, 3)
                hits += bool((np.abs(near - palette[None]).sum(axis=2) == 0).any(axis=0)[
                    int(label)])
            assert hits >= 36  # a point's centre is its class colour (unless another covers it)
            assert problems == [] and all(u.startswith(f"http://127.0.0.1:{server.port}/")
                                          for u in requests)
            browser.close()
    finally:
        server.stop()


def test_the_served_table_is_the_engines_and_refuses_playgrounds_data_controls():
    X, y = table()
    with serving() as server:
        state = control(server, action="step")
        pg = from_table(X, y, ["a", "b", "c", "d"], "label", SETTINGS)
        train_epoch(pg)
        assert state["features"] == ["a", "b", "c", "d"] and state["epoch"] == 1
        for mine, layer in zip(state["layers"], pg.network.layers):
            np.testing.assert_array_equal(mine["W"], layer.W)
        for message in ({"action": "set", "name": "dataset", "value": "xor"},
                        {"action": "feature", "id": "xSquared"}):
            status, _, text = request(server, "/api/control", "POST", message)
            assert status == 400 and "your table (a, b, c, d)" in json.loads(text)["error"]
        after = control(server, action="set", name="percTrainData", value=70)
        assert after["epoch"] == 0 and after["config"]["percTrainData"] == 70


def test_the_page_shows_a_table(tmp_path):
    with serving(axes=(1, 3)) as server, sync_playwright() as p:
        browser = chromium.launch(p)
        page = browser.new_page(viewport={"width": 1300, "height": 950})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"http://127.0.0.1:{server.port}/")
        page.wait_for_selector("div.node.input[data-feature='d']")
        assert page.locator("div.node.input").count() == 4
        assert "target label (no → −1, yes → +1)" in page.inner_text("#table-info")
        assert page.is_hidden(".datasets.classification")
        page.click("#next-step-button")
        for _ in range(200):
            if page.inner_text("#iter-number") == "000,001":
                break
            page.wait_for_timeout(50)
        assert page.inner_text("#heatmap-label") == "The output ŷ over (b, d)"
        assert api_state(server)["epoch"] == 1 and problems == []
        browser.close()


def test_the_cli_serves_a_csv_file(tmp_path):
    X, y = table()
    path = tmp_path / "data.csv"
    lines = ["a,b,label,c,d"] + [f"{r[0]},{r[1]},{t},{r[2]},{r[3]}" for r, t in zip(X, y)]
    path.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "glassnet", "playground", str(path), "--target", "label",
         "--axes", "c,a", "--settings", "networkShape=3&seed=0.5", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert address, line + process.stderr.read()
        with urllib.request.urlopen(address.group(0) + "api/state", timeout=10) as response:
            state = json.load(response)
        assert state["features"] == ["a", "b", "c", "d"]
        assert state["config"]["networkShape"] == [3] and state["config"]["seed"] == "0.5"
        assert state["config"]["problem"] == "classification"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    result = subprocess.run([sys.executable, "-m", "glassnet", "playground", str(path),
                             "--no-browser"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "give --target" in result.stderr
