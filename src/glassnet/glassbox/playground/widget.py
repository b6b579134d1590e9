"""The playground in a notebook: an anywidget driven by the same Python :class:`~.session.Session`.

``gn.playground.Playground(X, y)`` (your table) or ``gn.playground.Playground(url)``
(a TensorFlow Playground link) shows the page inline in Jupyter, JupyterLab or VS
Code. As on the served page, the network is the session's glassnet ``Network``
trained by :func:`~.training.train_epoch` in the kernel; the widget's script
(``static/widget.js``, with ``static/draw.js``) only draws what the kernel syncs
and sends controls back:

- ``config`` (synced): what changes with the data or the network's shape
  (:meth:`.Session.config`); ``frame`` (synced): the heatmaps, weights, losses
  and figures of the network as it is now (:meth:`.Session.frame`), with the
  loss curve's points;
- a message from the front end is a control (:meth:`.Session.control`: ``step``,
  ``play``, ``pause``, ``reset``, ``set`` …), or ``{"action": "tick"}``: while
  playing, the front end asks for the next slice of training (at most ``SLICE``
  seconds of epochs) once it has drawn the last frame, so the kernel trains only
  as fast as the page shows it, with no thread of its own.

Needs ``glassnet[notebook]`` (anywidget).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from glassnet.glassbox.playground.controls import ControlError
from glassnet.glassbox.playground.session import Session

STATIC = Path(__file__).with_name("static")
SLICE = 0.05  # seconds of training per tick


def widget_esm() -> str:
    """The widget's ES module: the page's drawing functions, then the widget's view."""
    draw = (STATIC / "draw.js").read_text(encoding="utf-8")
    view = (STATIC / "widget.js").read_text(encoding="utf-8")
    return draw + "\n" + view


class Playground(anywidget.AnyWidget):
    """The playground, inline in a notebook; ``.session`` is its engine.

    ``Playground(url)``: what TensorFlow Playground builds from a link (or its hash);
    ``Playground(X, y, ...)``: your table (see :func:`.table.from_table`), with
    Playground's settings from ``url``.
    """

    _esm = widget_esm()
    _css = (STATIC / "widget.css").read_text(encoding="utf-8")
    config = traitlets.Dict().tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, source: Any = "", y: Any = None, *, url: str = "",
                 feature_names: Any = None, target_name: str = "y",
                 axes: tuple[int, int] = (0, 1), task: str | None = None,
                 session: Session | None = None) -> None:
        super().__init__()
        if session is None and y is not None:
            from glassnet.glassbox.playground.table import from_table

            session = Session(from_table(source, y, feature_names, target_name, url, axes, task))
        elif session is None:
            session = Session.from_url(source or url)
        self.session = session
        self._structure = -1
        self._history = 0
        self.on_msg(self._on_message)
        self.push()

    @classmethod
    def from_url(cls, url: str) -> Playground:
        """The widget on what TensorFlow Playground builds from ``url``."""
        return cls(url)

    def push(self) -> None:
        """Sync what the page draws: the config when the structure changed, then a frame."""
        s = self.session
        if s.structure != self._structure:
            self._structure, self._history = s.structure, 0
            self.config = s.config()
        frame = s.frame()
        frame["history"] = s.history_since(self._history)
        frame["history_start"] = self._history
        self._history = len(s.history)
        self.frame = frame

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        message = content if isinstance(content, dict) else {}
        try:
            if message.get("action") == "tick":
                end = time.perf_counter() + SLICE
                while self.session.playing and time.perf_counter() < end:
                    self.session.epoch()
            else:
                self.session.control(message)
            self.error = ""
        except ControlError as exc:
            self.error = str(exc)
        self.push()
