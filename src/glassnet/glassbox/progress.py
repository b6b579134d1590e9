"""What ``fit(verbose=...)`` shows while it trains: ``1`` a :class:`ProgressBar`,
``2`` an :class:`EpochLogger` line per epoch, ``"plot"`` a
:class:`~glassnet.glassbox.live.LivePlot`.

They are callbacks (:mod:`glassnet.callbacks`) that ``fit`` calls after the
ones it was given, so that they show the figures those see; the loop closes
them before an error propagates. ``fit`` reaches this module only through
:func:`displays`.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from typing import Any

from glassnet.callbacks import Callback, Model
from glassnet.glassbox.live import LivePlot
from glassnet.validation import check_positive_int


def displays(verbose: int | str, epochs: int) -> list[Callback]:
    """The display callbacks of ``fit(verbose=verbose)`` over ``epochs`` epochs
    (none for 0)."""
    if verbose == "plot":
        return [LivePlot(epochs=epochs)]
    if verbose == 1:
        return [ProgressBar(epochs)]
    return [EpochLogger()] if verbose == 2 else []


def _format_logs(logs: dict[str, float]) -> str:
    return "  ".join(f"{k}={v:.5g}" for k, v in logs.items())


def _format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m:02d}:{s:02d}"


class EpochLogger(Callback):
    """``verbose=2``: one line per epoch on ``stream`` (stdout by default).

    ``every=100`` prints the tutorials' way, at epochs 0, 100, 200, … and the
    last one::

        net.fit(X, y, epochs=5000, callbacks=[gn.EpochLogger(every=100)])

    ``rows=n`` prints the losses divided by n, labelled ``per_row``: the error
    the tutorials print for a sum loss (``half_sse``) trained full batch on n rows.
    """

    def __init__(self, stream: Any = None, every: int = 1, rows: int | None = None):
        self.stream = stream
        self.every = check_positive_int(every, "every")
        self.rows = None if rows is None else check_positive_int(rows, "rows")
        self._unprinted: tuple[int, dict[str, float]] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if epoch % self.every == 0:
            self._print(epoch, logs)
            self._unprinted = None
        else:
            self._unprinted = (epoch, logs)

    def on_train_end(self, network: Model) -> None:
        if self._unprinted is not None:  # the last epoch, wherever it fell
            self._print(*self._unprinted)
            self._unprinted = None

    def _print(self, epoch: int, logs: dict[str, float]) -> None:
        if self.rows is not None:
            logs = {(f"{k}_per_row" if k.endswith("loss") else k): (
                v / self.rows if k.endswith("loss") else v) for k, v in logs.items()}
        print(f"epoch {epoch:>6}  {_format_logs(logs)}", file=self.stream or sys.stdout)


class ProgressBar(Callback):
    """``verbose=1``: a bar over the epochs with the loss, validation loss and ETA.

    Uses ``tqdm`` when it is installed (``pip install glassnet[progress]``),
    otherwise a single line redrawn with a carriage return on stderr, at most
    ten times a second.
    """

    width = 24

    def __init__(self, epochs: int, stream: Any = None, use_tqdm: bool | None = None):
        self.epochs = epochs
        self.stream = stream
        if use_tqdm is None:
            try:
                import tqdm  # noqa: F401
            except ImportError:
                use_tqdm = False
            else:
                use_tqdm = True
        self.use_tqdm = use_tqdm
        self._bar: Any = None

    def on_train_begin(self, network: Model) -> None:
        self.done = 0
        self.start = self._last_draw = time.monotonic()
        if self.use_tqdm:
            if importlib.util.find_spec("ipywidgets") is None:
                # tqdm.auto picks its notebook bar in a kernel, which needs ipywidgets
                # and without them prints "IProgress not found"; the text bar works anywhere
                from tqdm.std import tqdm
            else:
                from tqdm.auto import tqdm

            # a text bar: the terminal's width less one, and no rate, since tqdm cuts a
            # line that is too long at its end, where the figures are (a widget's ncols
            # would be pixels)
            text = {} if "notebook" in tqdm.__module__ else {
                "ncols": shutil.get_terminal_size((80, 24)).columns - 1,
                "bar_format": "{l_bar}{bar}| {n_fmt}/{total_fmt} epochs "
                "[{elapsed}<{remaining}{postfix}]"}  # fmt: skip
            self._bar = tqdm(
                total=self.epochs, unit="epoch", file=self.stream or sys.stderr, leave=True,
                **text,
            )

    def _postfix(self, logs: dict[str, float]) -> dict[str, str]:
        shown = {k: v for k, v in logs.items() if k in ("loss", "val_loss")}
        return {k: f"{v:.5g}" for k, v in shown.items()}

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.set_postfix(self._postfix(logs), refresh=False)
            self._bar.update(1)
            return
        now = time.monotonic()
        self._logs = logs
        if now - self._last_draw >= 0.1 or self.done == self.epochs:
            self._last_draw = now
            self._draw(now, logs)

    def _draw(self, now: float, logs: dict[str, float]) -> None:
        elapsed = now - self.start
        eta = elapsed / self.done * (self.epochs - self.done)
        figures = "  ".join(f"{k}={v}" for k, v in self._postfix(logs).items())
        # one column short of the terminal: a line that fills it wraps, and then every
        # redraw scrolls instead of overwriting
        room = shutil.get_terminal_size((80, 24)).columns - 1
        line = self._line(room, figures, f"ETA {_format_seconds(eta)}")
        stream = self.stream or sys.stderr
        stream.write("\r" + line.ljust(min(room, getattr(self, "_drawn", 0))))
        self._drawn = len(line)
        stream.flush()

    def _line(self, room: int, figures: str, eta: str) -> str:
        """The widest line that fits in ``room`` columns: the bar shrinks first (to 5),
        then goes, then the ETA; the figures are cut last."""
        count = f"epoch {self.done}/{self.epochs}"
        for width in range(self.width, 4, -1):
            filled = int(width * self.done / self.epochs)
            line = f"{count} [{'#' * filled}{'.' * (width - filled)}] {figures}  {eta}"
            if len(line) <= room:
                return line
        for line in (f"{count} {figures}  {eta}", f"{count} {figures}"):
            if len(line) <= room:
                return line
        return f"{count} {figures}"[: max(room, 1)]

    def on_train_end(self, network: Model) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.done:
            if self.done < self.epochs:  # stopped early: show where it stopped
                self._draw(time.monotonic(), self._logs)
            stream = self.stream or sys.stderr
            stream.write("\n")
            stream.flush()
