"""A CSV file dropped on the page: read by glassnet's reader in the server, trained at once."""

import json
import re
import signal
import subprocess
import sys
import urllib.request

import numpy as np
from pg_server_helpers import SEED, api_state, request, running
from playwright.sync_api import sync_playwright
from test_pg_table import three_classes

import chromium
from glassnet.glassbox.playground.launch import Server
from glassnet.glassbox.playground.session import Session
from glassnet.tools.cli import playground_table


def three_class_csv(path):
    X, y = three_classes()
    path.write_text("p,q,kind,r,s\n" + "".join(f"{a},{b},{t},{c},{d}\n"
                                               for (a, b, c, d), t in zip(X, y)))
    return path


def test_the_cli_server_trains_on_a_posted_csv_and_refuses_a_foreign_origin(tmp_path):
    text = three_class_csv(tmp_path / "flowers.csv").read_text()
    process = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", "--no-browser",
                                "#networkShape=3&seed=0.4&learningRate=0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        address = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline()).group(0)
        body = json.dumps({"csv": text, "target": "kind"}).encode()

        def post(headers):
            req = urllib.request.Request(address + "api/table", body, method="POST",
                                         headers={"content-type": "application/json", **headers})
            try:
                with urllib.request.urlopen(req, timeout=30) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()

        status, text_ = post({"Origin": "http://evil.example"})
        assert status == 403 and "Origin" in text_
        status, state = post({"Origin": address.rstrip("/")})
        assert status == 200 and state["features"] == ["p", "q", "r", "s"]
        assert [np.array(layer["W"]).shape for layer in state["layers"]] == [(4, 3), (3, 3)]
        assert state["layers"][-1]["activation"] == "softmax"
        assert state["config"]["networkShape"] == [3] and state["config"]["seed"] == "0.4"
        body = json.dumps({"csv": "a,b\n1,2\n", "target": "kind"}).encode()  # no such column
        status, text_ = post({})
        assert status == 400 and "kind" in json.loads(text_)["error"]
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    finally:
        process.kill()


def test_a_server_started_from_python_has_no_reader_and_says_so():
    with running() as server:
        status, _, text = request(server, "/api/table", "POST", {"csv": "a,b\n1,2\n",
                                                                 "target": "b"})
        assert status == 400 and "glassnet playground" in json.loads(text)["error"]
        assert api_state(server)["features"] == ["x", "y"]


def test_a_csv_dropped_on_the_page_trains_three_classes(tmp_path):
    path = three_class_csv(tmp_path / "flowers.csv")
    server = Server(Session.from_url(SEED), read_table=playground_table).start()
    try:
        with sync_playwright() as p:
            browser = chromium.launch(p)
            page = browser.new_page(viewport={"width": 1300, "height": 950})
            problems = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{server.port}/")
            page.wait_for_selector("div.node.input[data-feature='x']")
            page.evaluate("""(text) => {  // what the browser does when a file is dropped
                const files = new DataTransfer();
                files.items.add(new File([text], "flowers.csv", {type: "text/csv"}));
                document.getElementById("drop").dispatchEvent(
                    new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
            }""", path.read_text())
            page.wait_for_selector("#csv-choice:not([hidden])")
            options = page.eval_on_selector_all("#csv-target option", "os => os.map(o => o.value)")
            assert options == ["p", "q", "kind", "r", "s"]
            page.select_option("#csv-target", "kind")
            page.click("#csv-use")
            page.wait_for_selector("#legend .class")
            assert page.locator("#legend .class").all_inner_texts() == ["a", "b", "c"]
            assert page.locator("div.node.input").count() == 4
            state = api_state(server)
            X, y, names, target, task = playground_table(str(path), "kind")
            assert state["features"] == names == ["p", "q", "r", "s"] and task == "classification"
            np.testing.assert_array_equal(np.sort(server.session.pg.rows[:, 0]), np.sort(X[:, 0]))
            page.set_input_files("#csv-file", str(path))  # or chosen with the file input
            page.wait_for_selector("#csv-choice:not([hidden])")
            assert page.input_value("#csv-target") == "s"  # the last column, by default
            assert problems == []
            browser.close()
    finally:
        server.stop()
