"""Start the playground: bind a loopback port, serve the page with uvicorn, open the browser.

``glassnet playground [URL]`` and :func:`serve` both come here. The server binds
127.0.0.1 (a free port unless ``port`` is given); another ``host`` is refused
unless ``allow_remote=True``, since whoever reaches the port drives this
process. Ctrl-C stops it cleanly.

>>> import glassnet as gn
>>> gn.playground.serve("#dataset=xor&networkShape=3", open_browser=False)  # doctest: +SKIP
glassnet playground: http://127.0.0.1:53817/#activation=tanh&...  (Ctrl-C stops it)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import sys
import threading
import webbrowser

from glassnet.glassbox.playground.session import Session

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str = LOOPBACK, port: int = 0) -> socket.socket:
    """A listening TCP socket on (host, port); port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise OSError(f"Cannot listen on {host}:{port} ({exc.strerror}); "
                      f"give another --port, or none for a free one.") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def allowed_hosts(host: str, port: int, allow_remote: bool) -> list[str] | None:
    """The Host headers the server answers: its own loopback address and port
    (and ``localhost``), or any for a server opened with ``allow_remote``."""
    if allow_remote and not is_loopback(host):
        return None
    name = f"[{host.strip('[]')}]" if ":" in host else host
    return [f"{name}:{port}", f"localhost:{port}"]


def check_host(host: str, allow_remote: bool) -> None:
    if not is_loopback(host) and not allow_remote:
        raise ValueError(
            f"--host {host} would let other machines drive this process; the playground "
            f"listens on 127.0.0.1 only. Add --allow-remote if you mean it."
        )


class Server:
    """A uvicorn server for one session, on a socket already bound."""

    def __init__(self, session: Session, host: str = LOOPBACK, port: int = 0,
                 allow_remote: bool = False, read_table=None):
        import uvicorn

        from glassnet.glassbox.playground.server import build_app

        check_host(host, allow_remote)
        self.session = session
        self.socket = bind(host, port)
        self.host, self.port = host, self.socket.getsockname()[1]
        self.app = build_app(session, allowed_hosts(host, self.port, allow_remote), read_table)
        config = uvicorn.Config(self.app, log_level="warning", ws="websockets-sansio",
                                lifespan="on", timeout_graceful_shutdown=2,
                                ws_ping_interval=None)
        self.uvicorn = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The page's address, with the session's state in the hash."""
        from glassnet.glassbox.playground.state import serialize

        shown = LOOPBACK if self.host in ("0.0.0.0", "::") else self.host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{self.port}/#{serialize(self.session.pg.state)}"

    def run(self) -> None:
        """Serve until Ctrl-C (SIGINT) or SIGTERM, in this thread."""
        self.uvicorn.run(sockets=[self.socket])

    def start(self) -> Server:
        """Serve in a background thread (for tests and notebooks); :meth:`stop` ends it."""
        self._thread = threading.Thread(target=self.run, daemon=True, name="glassnet-playground")
        self._thread.start()
        while not self.uvicorn.started and self._thread.is_alive():
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.socket.close()


def serve(source="", y=None, *, url: str = "", feature_names=None, target_name: str = "y",
          axes: tuple[int, int] = (0, 1), task: str | None = None, host: str = LOOPBACK,
          port: int = 0,
          open_browser: bool = True, allow_remote: bool = False,
          session: Session | None = None, read_table=None) -> None:
    """Serve the playground until Ctrl-C; prints the address and opens it in the browser.

    ``serve(url)``: what TensorFlow Playground builds from a link (or its hash).
    ``serve(X, y)``: your own table (see :func:`.table.from_table`), with Playground's
    settings from ``url``, the heatmaps over columns ``axes`` of X; two classes, k
    classes (a softmax output) or numbers, as ``task`` says or y shows.
    ``read_table(path, target)`` → (X, y, names, target, task) reads a CSV file dropped
    on the page (``glassnet playground`` passes glassnet's reader).
    """
    if session is None and y is not None:
        from glassnet.glassbox.playground.table import from_table

        session = Session(from_table(source, y, feature_names, target_name, url, axes, task))
    elif session is None:
        session = Session.from_url(source or url)
    server = Server(session, host, port, allow_remote, read_table)
    print(f"glassnet playground: {server.url}  (Ctrl-C stops it)", flush=True)
    if not is_loopback(host):
        print(f"warning: listening on {host}: anyone who can reach port {server.port} "
              f"can drive this process.", file=sys.stderr, flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(server.url,)).start()
    try:
        server.run()
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        server.socket.close()
    print("glassnet playground: stopped", flush=True)


def main(args) -> None:
    """``glassnet playground [URL] [--port N] [--host H --allow-remote] [--no-browser]``."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ValueError(
            f"glassnet playground needs {exc.name}; install it with "
            f"pip install 'glassnet[playground]'."
        ) from exc
    check_host(args.host, args.allow_remote)
    table = getattr(args, "table", None)  # (X, y, feature names, target name, task), a CSV's
    read_table = getattr(args, "read_table", None)
    if table is not None:
        X, y, names, target, task = table
        axes = tuple(names.index(a) for a in args.axes) if args.axes else (0, 1)
        serve(X, y, url=args.settings or "", feature_names=names, target_name=target,
              axes=axes, task=task, host=args.host, port=args.port,
              open_browser=not args.no_browser, allow_remote=args.allow_remote,
              read_table=read_table)
        return
    serve(args.url, host=args.host, port=args.port, open_browser=not args.no_browser,
          allow_remote=args.allow_remote, read_table=read_table)
