"""Your own data in the playground: from_table, the served page, the CLI on a CSV file."""

import contextlib
import json
import re
import signal
import subprocess
import sys
import urllib.request

import numpy as np
import pytest
from pg_server_helpers import CHROMIUM_ARGS, api_state, control, request
from playwright.sync_api import sync_playwright

from glassnet.glassbox.playground import frames
from glassnet.glassbox.playground.launch import Server
from glassnet.glassbox.playground.session import Session
from glassnet.glassbox.playground.table import from_table
from glassnet.glassbox.playground.training import train_epoch

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


def test_three_classes_are_refused_in_a_sentence():
    X, _ = table()
    with pytest.raises(ValueError, match="3 classes.*two classes"):
        from_table(X, np.array(["a", "b", "c"] * 80))


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
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
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
