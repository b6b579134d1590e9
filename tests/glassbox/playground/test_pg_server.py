"""The playground server over real HTTP and WebSocket: its API, and what it refuses."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from pg_server_helpers import SEED, api_state, control, request, running
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

import glassnet as gn
from glassnet.glassbox import playground
from glassnet.glassbox.playground.launch import Server, allowed_hosts
from glassnet.glassbox.playground.session import Session


@pytest.fixture()
def server():
    with running() as s:
        yield s


def test_api_state_is_the_experiment_from_url(server):
    state = api_state(server)
    pg = playground.from_url(SEED)
    assert state["epoch"] == 0 and state["playing"] is False
    assert state["config"]["seed"] == "0.59454" and state["config"]["networkShape"] == [4, 2]
    assert [np.array(layer["W"]).shape for layer in state["layers"]] == [(2, 4), (4, 2), (2, 1)]
    for mine, theirs in zip(state["layers"], pg.network.layers):
        np.testing.assert_array_equal(mine["W"], theirs.W)
        np.testing.assert_array_equal(mine["b"], theirs.b)
    assert state["loss_train"] == pg.loss_train and state["loss_test"] == pg.loss_test


def test_a_step_is_one_playground_epoch(server):
    after = control(server, action="step")
    pg = playground.from_url(SEED)
    losses = playground.train_epoch(pg)
    assert after["epoch"] == 1 and (after["loss_train"], after["loss_test"]) == losses
    for mine, theirs in zip(after["layers"], pg.network.layers):
        np.testing.assert_array_equal(mine["W"], theirs.W)


def test_link_endpoint_plugs_in_the_numbers_of_the_last_update(server):
    control(server, action="set", name="regularization", value="L2")
    control(server, action="set", name="regularizationRate", value=0.01)
    for _ in range(2):
        state = control(server, action="step")
    _, _, text = request(server, "/api/link?layer=1&i=2&j=1")
    link = json.loads(text)
    u = link["update"]
    assert link["weight"] == state["layers"][1]["W"][2][1] == u["w_after"] == u["w_now"]
    assert (u["lr"], u["rate"], u["regularization"], u["B"]) == (0.03, 0.01, "L2", 10)
    assert u["R"] == u["w"]  # L2: R′(w) = w
    assert u["w_after"] == pytest.approx(u["w"] - u["lr"] * u["sum"] / u["B"]
                                         - u["lr"] * u["rate"] * u["R"], abs=1e-15)
    _, _, text = request(server, "/api/bias?layer=2&j=0")
    bias = json.loads(text)
    assert bias["bias"] == state["layers"][2]["b"][0] == bias["update"]["b_after"]


def test_the_network_downloads_as_a_gnet_file(server, tmp_path):
    state = control(server, action="step")
    status, headers, _ = request(server, "/api/export.gnet")
    assert status == 200 and "playground-epoch-1.gnet" in headers["content-disposition"]
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/export.gnet") as response:
        (tmp_path / "net.gnet").write_bytes(response.read())
    net = gn.load(tmp_path / "net.gnet")
    for mine, layer in zip(state["layers"], net.layers):
        np.testing.assert_array_equal(mine["W"], layer.W)
        np.testing.assert_array_equal(mine["b"], layer.b)
        assert layer.activation.name == mine["activation"]


def test_the_step_view_is_the_trace_report_of_the_next_batch(server):
    state = control(server, action="step")
    status, headers, text = request(server, "/step")
    assert status == 200 and text.startswith("<!DOCTYPE html>")
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'unsafe-inline'" in policy
    assert "connect-src" not in policy  # the report talks to nobody
    w = state["layers"][0]["W"][0][0]
    assert f"{w:.4f}"[:6] in text or f"{w:.3f}" in text  # the current weights, traced
    assert api_state(server)["layers"] == state["layers"]  # a copy was traced


def test_bad_controls_are_sentences_and_change_nothing(server):
    before = api_state(server)
    for message in ({"action": "set", "name": "batchSize", "value": 0},
                    {"action": "set", "name": "activation", "value": "softsign"},
                    {"action": "fly"},
                    {"action": "weight", "layer": 9, "i": 0, "j": 0, "value": 1}):
        status, _, text = request(server, "/api/control", "POST", message)
        assert status == 400
        assert json.loads(text)["error"].endswith(".")
    assert api_state(server) == before


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1",
                                  "localhost", "127.0.0.1", "[::1]:{port}", ""])
def test_a_foreign_host_header_is_refused(server, host):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    for path in ("/", "/api/state", "/static/playground.js"):
        status, _, text = request(server, path, headers={"Host": host.format(port=server.port)})
        assert status == 403 and "not this server's address" in text


def test_its_own_addresses_are_served_without_cors(server):
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}"):
        status, headers, text = request(server, "/", headers={"Host": host,
                                                             "Origin": "http://evil.example"})
        assert status == 200 and "glassnet playground" in text
        assert not any(name.lower().startswith("access-control") for name in headers)
        assert "default-src 'self'" in headers["content-security-policy"]


def test_a_post_from_a_foreign_origin_is_refused(server):
    status, _, text = request(server, "/api/control", "POST", {"action": "play"},
                              headers={"Origin": "http://evil.example"})
    assert status == 403 and "Origin" in text
    assert api_state(server)["playing"] is False
    status, _, _ = request(server, "/api/control", "POST", {"action": "pause"},
                           headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert status == 200


def test_websocket_handshakes_from_a_foreign_origin_or_host_are_refused(server):
    uri = f"ws://127.0.0.1:{server.port}/ws"
    with pytest.raises(InvalidStatus) as refused:
        connect(uri, origin="http://evil.example", open_timeout=10)
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        connect(uri, additional_headers={"Host": "evil.example"}, open_timeout=10)
    with connect(uri, origin=f"http://127.0.0.1:{server.port}", open_timeout=10) as ws:
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "config" and first["shape"] == [2, 4, 2, 1]
        ws.send(json.dumps({"action": "step"}))
        while (message := json.loads(ws.recv(timeout=10)))["type"] != "frame" or \
                message["epoch"] < 1:
            pass
        assert message["epoch"] == 1 == api_state(server)["epoch"]


@pytest.mark.parametrize("path", [
    "/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py",
    "/static/%2e%2e%2fsession.py", "/static/..%5csession.py", "/../pyproject.toml",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/etc/passwd", "/static/", "/static",
])
def test_only_its_own_files_are_served(server, path):
    status, _, text = request(server, path)
    assert status in (307, 400, 404, 405), (status, text[:80])  # 307: /static → /static/
    assert "import" not in text and "root:" not in text


def test_a_non_loopback_host_needs_allow_remote():
    with pytest.raises(ValueError, match="--allow-remote"):
        Server(Session.from_url(SEED), host="0.0.0.0")
    assert allowed_hosts("127.0.0.1", 8000, False) == ["127.0.0.1:8000", "localhost:8000"]
    assert allowed_hosts("0.0.0.0", 8000, True) is None


def test_the_cli_serves_a_playground_link_and_stops_on_ctrl_c(tmp_path):
    """`python -m glassnet playground URL` as a user starts it; SIGINT (Ctrl-C) ends it with 0."""
    url = "https://playground.tensorflow.org/#dataset=xor&networkShape=3&seed=0.3&x_hide=true"
    process = subprocess.Popen(
        [sys.executable, "-m", "glassnet", "playground", url, "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"})
    try:
        line = process.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert address, line + process.stderr.read()
        with urllib.request.urlopen(address.group(0) + "api/state", timeout=10) as response:
            state = json.load(response)
        assert state["config"]["dataset"] == "xor" and state["features"] == ["y"]
        assert [np.array(layer["W"]).shape for layer in state["layers"]] == [(1, 3), (3, 1)]
        assert "#activation=tanh&batchSize=10&dataset=xor" in line
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["--host", "0.0.0.0"], "--allow-remote"),
    (["#batchSize=0"], "batchSize"),
])
def test_the_cli_refuses_in_one_line(argv, message):
    result = subprocess.run([sys.executable, "-m", "glassnet", "playground", "--no-browser", *argv],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
