"""``callbacks=[gn.LivePlot()]``: the loss curves drawn live while ``fit`` runs.

In a Jupyter kernel it shows one display (``display(..., display_id=True)``) and
updates that same handle in place, never ``clear_output`` (which makes VS Code's
notebooks flicker), at most ``redraws_per_second`` times a second, and once more
at the end so that the last figure holds the final loss. The figure is the
notebook display's inline SVG (train and validation curves). Outside a kernel
(a terminal, a script) it falls back to a one-line text progress display.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from glassnet.callbacks import Callback, Model
from glassnet.glassbox.display import CSS, curve_svg


def in_kernel() -> bool:
    """Whether this runs inside a Jupyter kernel (IPython with a kernel attached)."""
    module = sys.modules.get("IPython")
    shell = module.get_ipython() if module is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


class LivePlot(Callback):
    """Live train and validation loss curves in a notebook; a text line elsewhere.

    Parameters
    ----------
    redraws_per_second : the most redraws a second (the last epoch always draws).
    epochs : the fit's epoch count, for "epoch k/N" in the text fallback (optional).
    stream : where the text fallback writes (default: stderr).
    """

    def __init__(self, redraws_per_second: float = 4.0, epochs: int | None = None,
                 stream: Any = None):
        if not redraws_per_second > 0:
            raise ValueError(
                f"redraws_per_second must be > 0, but got {redraws_per_second!r}."
            )
        self.interval = 1.0 / float(redraws_per_second)
        self.epochs = epochs
        self.stream = stream
        self.loss: list[float] = []
        self.val_loss: list[float] = []
        self.redraws = 0
        self._handle: Any = None
        self._last = 0.0
        self._dirty = False

    def figure_html(self) -> str:
        """The current figure: the curves so far and the last figures, as HTML."""
        if not self.loss:
            return f'{CSS}<div class="glassnet"><p>Training…</p></div>'
        text = f"epoch {len(self.loss)}" + (f"/{self.epochs}" if self.epochs else "")
        text += f": loss {self.loss[-1]:.6g}"
        curves = curve_svg(self.loss, "loss") if len(self.loss) > 1 else ""
        if self.val_loss:
            text += f", val_loss {self.val_loss[-1]:.6g}"
            if len(self.val_loss) > 1:
                curves += curve_svg(self.val_loss, "val_loss")
        return f'{CSS}<div class="glassnet live"><p>{text}</p>{curves}</div>'

    def on_train_begin(self, network: Model) -> None:
        self.loss, self.val_loss, self.redraws = [], [], 0
        self._last = 0.0
        if in_kernel():
            from IPython.display import HTML, display

            self._handle = display(HTML(self.figure_html()), display_id=True)
        else:
            self._handle = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.loss.append(float(logs["loss"]))
        if "val_loss" in logs:
            self.val_loss.append(float(logs["val_loss"]))
        self._dirty = True
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._draw()
        return None

    def on_train_end(self, network: Model) -> None:
        if self._dirty:
            self._draw()
        if self._handle is None and self.redraws:
            (self.stream or sys.stderr).write("\n")

    def _draw(self) -> None:
        self._dirty = False
        self.redraws += 1
        if self._handle is not None:
            from IPython.display import HTML

            self._handle.update(HTML(self.figure_html()))
            return
        figures = f"loss={self.loss[-1]:.5g}" + (
            f"  val_loss={self.val_loss[-1]:.5g}" if self.val_loss else "")
        total = f"/{self.epochs}" if self.epochs else ""
        stream = self.stream or sys.stderr
        stream.write(f"\repoch {len(self.loss)}{total}  {figures} ")
        stream.flush()
