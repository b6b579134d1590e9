"""The playground's web server: a Starlette app over one :class:`~.session.Session`.

Routes:

- ``GET /``: the page (``static/index.html``); ``GET /static/...``: its script and
  style, from the package (nothing is fetched from elsewhere, so it runs offline);
- ``GET /api/state``: the configuration, epoch, losses and every layer's W and b;
- ``GET /api/link?layer=k&i=i&j=j``, ``GET /api/bias?layer=k&j=j``: a weight or a
  bias and its last update, numbers plugged in; ``GET /api/neuron?node=k:j``: a
  neuron's z, a and δ;
- ``GET /api/export.gnet``, ``.py``, ``.xlsx``: the network as it is now, as a glassnet
  model file, a NumPy-only script, the live spreadsheet of its next step (:mod:`.exports`);
  ``GET /step``: the trace report (every array, the tutorial's names) of the next step;
- ``GET /api/doctor``: the training doctor's top finding, in one line with its fix
  (:mod:`.checkup`; the server also asks by itself when training diverges or stalls);
- ``POST /api/table``: a CSV file dropped on the page (read by the server's reader);
- ``POST /api/control``: one control (JSON, as :meth:`.Session.control` takes it);
- ``WS /ws``: the training stream: a ``config`` message when the data or the
  network's shape changes, ``frame`` messages (at most ``FPS`` a second) while
  anything changes; the page sends controls on it.

Training runs on the server's event loop, in slices of at most ``SLICE`` seconds,
so controls and frames are served between epochs and never meet a half-done one.

Security (the server drives a process on the user's machine): requests whose
``Host`` header is not the address it serves are refused (a DNS-rebinding page
cannot reach it), so are WebSocket handshakes and POSTs whose ``Origin`` is another
site's; no CORS header is ever sent; files come only from ``static/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from glassnet.glassbox.playground import checkup, exports
from glassnet.glassbox.playground.controls import ControlError
from glassnet.glassbox.playground.session import Session

STATIC = Path(__file__).with_name("static")
FPS = 20  # frames a second at most, per page
SLICE = 0.02  # seconds of training between two looks at the event loop
MAX_TABLE_BYTES = 20 * 10**6  # a dropped CSV file
LOOK = 0.5  # seconds between two looks for trouble (divergence, a stall) while training


class Guard:
    """ASGI middleware: only requests addressed to ``hosts`` (``"127.0.0.1:8000"``,
    ``"localhost:8000"``), and for WebSockets and POSTs, from no Origin or the
    page's own (``http://`` + its Host). ``hosts=None`` accepts any Host (a server
    the user opened to the network with ``--allow-remote``); the Origin must
    still be the page's own."""

    def __init__(self, app, hosts: Iterable[str] | None):
        self.app = app
        self.hosts = None if hosts is None else {h.lower() for h in hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").lower()
        origin = headers.get("origin")
        problem = None
        if self.hosts is not None and host not in self.hosts:
            problem = f"Host {host!r} is not this server's address."
        elif origin is not None and (scope["type"] == "websocket" or scope["method"] not in (
                "GET", "HEAD")) and origin.lower() != f"http://{host}":
            problem = f"Origin {origin!r} is not this page's."
        if problem is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": problem})
            return
        await PlainTextResponse(problem, status_code=403)(scope, receive, send)


class Security:
    """ASGI middleware: headers that keep the page to its own origin."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            own = any(k == b"content-security-policy" for k, _ in message.get("headers", []))
            if message["type"] == "http.response.start" and not own:
                message["headers"] = list(message.get("headers", [])) + [
                    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                     b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Hub:
    """The session, its training task and the pages connected to it."""

    def __init__(self, session: Session):
        self.session = session
        self.pages: set[WebSocket] = set()
        self.wake = asyncio.Event()
        self.tasks: list[asyncio.Task] = []
        self.frames_sent = 0

    async def train(self) -> None:
        """Run epochs while the session plays, a slice at a time; call the doctor
        (once per network) when training diverges or stalls."""
        looked = 0.0
        while True:
            if not self.session.playing:
                self.wake.clear()
                await self.wake.wait()
                continue
            end = time.perf_counter() + SLICE
            while self.session.playing and time.perf_counter() < end:
                self.session.epoch()
            s = self.session
            if s.checked != s.structure and time.perf_counter() > looked + LOOK:
                looked = time.perf_counter()
                reason = checkup.trouble(s.history)
                if reason is not None:
                    s.checked = s.structure
                    self.tasks.append(asyncio.create_task(self.examine(reason)))
            await asyncio.sleep(0)

    async def examine(self, reason: str) -> dict:
        """The doctor's top finding on a snapshot of the network, found in a worker
        thread; kept for the page unless the network was rebuilt meanwhile."""
        s = self.session
        structure, snap = s.structure, checkup.snapshot(s.pg, reason, s.history)
        found = await asyncio.to_thread(checkup.examine, snap)
        if s.structure == structure:
            s.diagnosis = found
            s.version += 1
        return found

    def control(self, message: dict) -> None:
        self.session.control(message)
        self.wake.set()

    async def stream(self, ws: WebSocket) -> None:
        """Send this page a config when the structure changes and a frame when anything
        does, at most FPS times a second."""
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await self._stream(ws)

    async def _stream(self, ws: WebSocket) -> None:
        loop = asyncio.get_running_loop()
        seen_structure = seen_version = -1
        sent_history = 0
        tick = loop.time()
        while True:
            s = self.session
            if s.structure != seen_structure:
                seen_structure, sent_history = s.structure, 0
                await ws.send_text(json.dumps(s.config()))
            if s.version != seen_version:
                seen_version = s.version
                frame = s.frame()
                frame["history"] = s.history_since(sent_history)
                frame["history_start"] = sent_history
                sent_history = len(s.history)
                await ws.send_text(json.dumps(frame))
                self.frames_sent += 1
            tick = max(tick + 1 / FPS, loop.time())  # a steady cadence, not 1/FPS after the work
            await asyncio.sleep(tick - loop.time())


# -- the routes: each a named handler; the hub is the app's (request.app.state.hub) ------
def hub_of(connection: HTTPConnection) -> Hub:
    return connection.app.state.hub


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html")


async def state(request: Request) -> Response:
    return JSONResponse(hub_of(request).session.state())


def _detail(answer: Callable[[Session, dict[str, int]], dict]) -> Callable:
    """A GET handler answering with ``answer(session, integer query parameters)``."""
    async def handler(request: Request) -> Response:
        try:
            q = {k: int(v) for k, v in request.query_params.items()}
            return JSONResponse(answer(hub_of(request).session, q))
        except (KeyError, ValueError) as exc:
            return JSONResponse({"error": _sentence(exc)}, status_code=400)
    return handler


link = _detail(lambda s, q: s.link(q["layer"], q["i"], q["j"]))
bias = _detail(lambda s, q: s.bias(q["layer"], q["j"]))


async def neuron(request: Request) -> Response:
    try:
        return JSONResponse(hub_of(request).session.neuron(request.query_params.get("node", "")))
    except ValueError as exc:
        return JSONResponse({"error": _sentence(exc)}, status_code=400)


#: the downloads: suffix → (bytes of the page's experiment, media type)
DOWNLOADS: dict[str, tuple[Callable[[Any], bytes], str]] = {
    "gnet": (exports.gnet_bytes, "application/zip"),
    "py": (exports.script_bytes, "text/x-python; charset=utf-8"),
    "xlsx": (exports.xlsx_bytes,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


async def download(request: Request) -> Response:
    """``GET /api/export.gnet|py|xlsx``: the network as it is now (see :mod:`.exports`)."""
    suffix = request.url.path.rsplit(".", 1)[-1]
    make, media = DOWNLOADS[suffix]
    pg = hub_of(request).session.pg
    name = f"playground-epoch-{pg.epoch}.{suffix}"
    return Response(make(pg), media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


async def table(request: Request) -> Response:
    """``POST /api/table`` ``{"csv": text, "target": column}``: train on a CSV file dropped
    on the page, read by the reader the server was started with (``glassnet playground``
    gives it glassnet's CSV reader: ``read_table(path, target)`` → X, y, names, target,
    task), from a temporary file; at most ``MAX_TABLE_BYTES``."""
    hub, read = hub_of(request), request.app.state.read_table
    if read is None:
        return JSONResponse({"error": "This playground has no CSV reader (it was started "
                             "from Python); start it with `glassnet playground`, or pass "
                             "your table as serve(X, y)."}, status_code=400)
    body = await request.body()
    if len(body) > MAX_TABLE_BYTES:
        return JSONResponse({"error": f"The file is over {MAX_TABLE_BYTES // 10**6} MB; "
                             f"give a smaller one, or start glassnet playground with it."},
                            status_code=413)
    try:
        message = json.loads(body)
        if not (isinstance(message, dict) and isinstance(message.get("csv"), str)
                and isinstance(message.get("target"), str)):
            raise ControlError('Send {"csv": the file\'s text, "target": a column name}.')
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "dropped.csv"
            path.write_text(message["csv"], encoding="utf-8")
            X, y, names, target, task = await asyncio.to_thread(read, str(path),
                                                                message["target"])
        hub.session.use_table(X, y, names, target, task)
    except Exception as exc:  # the reader's errors are sentences about the file
        return JSONResponse({"error": _sentence(exc)}, status_code=400)
    return JSONResponse(hub.session.state())


async def doctor(request: Request) -> Response:
    """``GET /api/doctor``: the training doctor's top finding on the network as it is now."""
    try:
        return JSONResponse(await hub_of(request).examine("asked"))
    except (TypeError, ValueError) as exc:
        return JSONResponse({"error": _sentence(exc)}, status_code=400)


async def step(request: Request) -> Response:
    """The trace report of the next step; it is self-contained, with inline script
    and style, so its own policy allows those and nothing else."""
    return HTMLResponse(exports.step_view(hub_of(request).session.pg), headers={
        "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"})


async def control(request: Request) -> Response:
    hub = hub_of(request)
    try:
        message = await request.json()
        if not isinstance(message, dict):
            raise ControlError("A control is a JSON object such as {\"action\": \"play\"}.")
        hub.control(message)
    except (ValueError, json.JSONDecodeError) as exc:
        return JSONResponse({"error": _sentence(exc)}, status_code=400)
    return JSONResponse(hub.session.state())


async def websocket(ws: WebSocket) -> None:
    hub = hub_of(ws)
    await ws.accept()
    hub.pages.add(ws)
    if ws.query_params.get("hash"):  # the page's own URL hash: a Playground link
        await _control_or_error(hub, ws, {"action": "hash", "hash": ws.query_params["hash"]})
    sender = asyncio.create_task(hub.stream(ws))
    try:
        while True:
            message = await ws.receive_json()
            await _control_or_error(hub, ws, message if isinstance(message, dict) else {})
    except (WebSocketDisconnect, json.JSONDecodeError, RuntimeError):
        pass
    finally:
        sender.cancel()
        hub.pages.discard(ws)


async def _control_or_error(hub: Hub, ws: WebSocket, message: dict) -> None:
    try:
        hub.control(message)
    except ControlError as exc:
        await ws.send_text(json.dumps({"type": "error", "message": str(exc)}))


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    hub = app.state.hub
    hub.tasks.append(asyncio.create_task(hub.train()))
    yield
    for task in hub.tasks:
        task.cancel()


ROUTES = [
    Route("/", index),
    Route("/api/state", state),
    Route("/api/link", link),
    Route("/api/bias", bias),
    Route("/api/neuron", neuron),
    Route("/api/control", control, methods=["POST"]),
    *(Route(f"/api/export.{suffix}", download) for suffix in DOWNLOADS),
    Route("/api/doctor", doctor),
    Route("/api/table", table, methods=["POST"]),
    Route("/step", step),
    WebSocketRoute("/ws", websocket),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


def build_app(session: Session, hosts: Iterable[str] | None,
              read_table: Callable[[str, str], tuple] | None = None) -> Starlette:
    """The Starlette app serving ``session``; ``hosts``: the Host headers it answers
    (None: any, for ``--allow-remote``); ``read_table``: the CSV reader of dropped files."""
    app = Starlette(routes=ROUTES, lifespan=lifespan)
    app.state.hub = Hub(session)
    app.state.read_table = read_table
    app.add_middleware(Security)
    app.add_middleware(Guard, hosts=hosts)
    return app


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"Missing query parameter {exc.args[0]!r} (give layer, i and j, or layer and j)."
    return str(exc)
