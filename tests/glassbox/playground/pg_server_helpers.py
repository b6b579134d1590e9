"""Helpers of the playground server's tests: a server in a thread, plain HTTP and JSON."""

from __future__ import annotations

import contextlib
import http.client
import json

from glassnet.glassbox.playground.launch import Server
from glassnet.glassbox.playground.session import Session

SEED = "#seed=0.59454"


@contextlib.contextmanager
def running(url: str = SEED):
    """A playground server on a free loopback port, in a background thread."""
    server = Server(Session.from_url(url)).start()
    try:
        yield server
    finally:
        server.stop()


def request(server, path: str, method: str = "GET", body=None, headers=None):
    """One raw HTTP request (the path is sent as written, never normalised);
    returns (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        data = None if body is None else json.dumps(body).encode()
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        all_headers = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
        if data is not None:
            all_headers |= {"Content-Type": "application/json", "Content-Length": str(len(data))}
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders(data)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, dict(response.getheaders()), text
    finally:
        connection.close()


def api_state(server) -> dict:
    status, _, text = request(server, "/api/state")
    assert status == 200, text
    return json.loads(text)


def control(server, **message) -> dict:
    status, _, text = request(server, "/api/control", "POST", message)
    assert status == 200, text
    return json.loads(text)
