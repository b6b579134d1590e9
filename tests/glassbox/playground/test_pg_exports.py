"""The page's downloads: the NumPy script and the live spreadsheet, as a user gets them
over HTTP, and every route under the server's security rules."""

import contextlib
import csv
import io
import json
import subprocess
import sys
import urllib.request

import formulas
import numpy as np
import openpyxl
import pytest
from pg_server_helpers import SEED, control, request, running
from test_pg_table import three_classes

from glassnet.glassbox.playground import exports
from glassnet.glassbox.playground import server as server_module
from glassnet.glassbox.playground.launch import Server
from glassnet.glassbox.playground.session import Session
from glassnet.glassbox.playground.table import from_table
from glassnet.glassbox.spreadsheet import layout


@contextlib.contextmanager
def three_class_server():
    X, y = three_classes()
    server = Server(Session(from_table(X, y, ["p", "q", "r", "s"], "kind",
                                       "#seed=0.3&learningRate=0.3&networkShape=4"))).start()
    try:
        yield server
    finally:
        server.stop()


def download(server, suffix: str, tmp_path):
    url = f"http://127.0.0.1:{server.port}/api/export.{suffix}"
    with urllib.request.urlopen(url, timeout=30) as response:
        disposition = response.headers["content-disposition"]
        path = tmp_path / disposition.split('filename="')[1].rstrip('"')
        path.write_bytes(response.read())
    return path


def run_script(script, points_csv, *args):
    result = subprocess.run([sys.executable, str(script), str(points_csv), *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))


def write_inputs(path, names, X):
    path.write_text(",".join(names) + "\n" + "".join(",".join(repr(float(v)) for v in row) + "\n"
                                                     for row in X))


@pytest.mark.parametrize("kind", ["playground", "three classes"])
def test_the_downloaded_script_prints_the_engines_predictions(kind, tmp_path):
    with (running(SEED + "&xSquared=true&networkShape=3") if kind == "playground"
          else three_class_server()) as server:
        for _ in range(3):
            control(server, action="step")
        script = download(server, "py", tmp_path)
        pg = server.session.pg
        assert script.name == "playground-epoch-3.py"
        X = pg.inputs(np.vstack([pg.test[:25], pg.train[:25]]))
        expected = pg.network.predict(X)
        names = list(pg.feature_ids)
        write_inputs(tmp_path / "points.csv", names[::-1], X[:, ::-1])  # columns found by name
        rows = run_script(script, tmp_path / "points.csv", "--outputs")
        got = np.array([[float(v) for v in row] for row in rows[1:]])
        np.testing.assert_array_equal(got, expected)  # bit for bit: repr of the same floats
        if kind == "three classes":
            assert rows[0] == ["P(a)", "P(b)", "P(c)"]
            labels = run_script(script, tmp_path / "points.csv")
            assert labels[0] == ["kind"]
            assert [r[0] for r in labels[1:]] == list(np.array(pg.classes)[expected.argmax(1)])
        else:
            assert names == ["x", "y", "xSquared"] and rows[0] == ["label"]


def recalculate(path):
    """Every cell's value as a real spreadsheet engine computes it: {"B5": 1.48, ...}."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    return {key.split("!")[-1]: cell.value.ravel()[0] for key, cell in solution.items()
            if ":" not in key.split("!")[-1] and hasattr(cell, "value")}


@pytest.mark.parametrize("kind", ["playground", "three classes"])
def test_the_spreadsheet_is_the_next_step_and_recalculates_equal(kind, tmp_path):
    with (running(SEED + "&networkShape=3&batchSize=4") if kind == "playground"
          else three_class_server()) as server:
        state = control(server, action="step")
        path = download(server, "xlsx", tmp_path)
        pg = server.session.pg
        trace, _ = exports.next_step(pg)
    sheet = openpyxl.load_workbook(path)["trace"]
    values = recalculate(path)
    places = layout(trace)
    r, c = places["wh"]
    assert sheet.cell(r, c).value == state["layers"][0]["W"][0][0]  # today's weights, as numbers
    checked = 0
    for name in trace.names:
        r, c = places[name]
        for (i, j), expected in np.ndenumerate(trace[name]):
            cell = f"{openpyxl.utils.get_column_letter(c + j)}{r + i}"
            assert float(values[cell]) == pytest.approx(expected, abs=1e-9), (name, i, j)
            checked += 1
    rows = min(int(pg.state.batchSize), len(pg.train))
    assert trace["X"].shape == (rows, len(pg.feature_ids)) and checked > 50
    np.testing.assert_array_equal(trace["X"], pg.inputs(pg.train[:rows]))


def routes():
    """Every (path, method) the app serves (a new route is checked here without being listed)."""
    out = []
    for route in server_module.ROUTES:
        if route.path == "/static":
            out.append(("/static/playground.js", "GET"))
        elif route.path != "/ws":
            out.append((route.path, "POST" if "POST" in route.methods else "GET"))
    return out


def test_every_route_refuses_a_foreign_host_and_sends_no_cors():
    with running() as server:
        served = routes()
        assert {("/api/export.py", "GET"), ("/api/export.xlsx", "GET"), ("/api/doctor", "GET"),
                ("/api/table", "POST"), ("/api/control", "POST")} <= set(served)
        for path, method in served:
            body = {"action": "pause"} if method == "POST" else None
            status, _, text = request(server, path, method, body, headers={"Host": "evil.example"})
            assert status == 403 and "not this server's address" in text, path
            status, headers, _ = request(server, path, method, body,
                                         headers={"Origin": "http://evil.example"})
            # a GET's answer is unreadable to another site's page (no CORS); a POST is refused
            assert (status == 403) == (method == "POST") and status != 500, (path, status)
            assert not any(h.lower().startswith("access-control") for h in headers), path
            if status != 403:
                assert "content-security-policy" in {h.lower() for h in headers}, path


def test_a_download_is_only_what_the_page_offers():
    with running() as server:
        for path in ("/api/export.npz", "/api/export.py/../../server.py", "/api/export."):
            status, _, text = request(server, path)
            assert status == 404 and "import" not in text, path
        status, _, _ = request(server, "/api/export.py", "POST", {})
        assert status in (403, 405)
        assert json.loads(request(server, "/api/state")[2])["epoch"] == 0
