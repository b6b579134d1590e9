"""TensorFlow Playground's algorithm, exactly, on glassnet's engine.

``pg = from_url(url)`` builds the data set and the initial network that
TensorFlow Playground builds from a link to it; ``train_epoch(pg)`` runs one of
its epochs on ``pg.network`` and returns (train loss, test loss) as it
computes them.

- :mod:`~glassnet.glassbox.playground.seedrandom`: seedrandom's ARC4 ``Math.random``;
- :mod:`~glassnet.glassbox.playground.state`: the URL hash (parse, serialize);
- :mod:`~glassnet.glassbox.playground.datasets`: circle, xor, gauss, spiral,
  reg-plane, reg-gauss and the shuffle;
- :mod:`~glassnet.glassbox.playground.core`: :class:`Experiment`, :func:`from_url`;
- :mod:`~glassnet.glassbox.playground.training`: :func:`train_epoch`;
- :mod:`~glassnet.glassbox.playground.session`, :mod:`~.frames`, :mod:`~.server`,
  :mod:`~.launch`: the page (``glassnet playground``, :func:`serve`), its
  controls and what it draws, served by Starlette on uvicorn (``glassnet[playground]``);
- :mod:`~.widget`: ``Playground(X, y)`` / ``Playground(url)``, the same engine inline
  in a notebook (``glassnet[notebook]``).

>>> import glassnet as gn
>>> pg = gn.playground.from_url("https://playground.tensorflow.org/#seed=0.59454")
>>> train_loss, test_loss = gn.playground.train_epoch(pg)
>>> pg.epoch
1
"""

from glassnet.glassbox.playground.core import (
    FEATURES,
    Experiment,
    build_network,
    feature_ids,
    from_state,
    from_url,
    make_data,
)
from glassnet.glassbox.playground.launch import serve
from glassnet.glassbox.playground.seedrandom import SeedRandom
from glassnet.glassbox.playground.session import Session
from glassnet.glassbox.playground.state import State, parse, serialize
from glassnet.glassbox.playground.training import loss, train_epoch

__all__ = [
    "FEATURES",
    "Experiment",
    "Playground",
    "SeedRandom",
    "Session",
    "State",
    "build_network",
    "feature_ids",
    "from_state",
    "from_url",
    "loss",
    "make_data",
    "parse",
    "serialize",
    "serve",
    "train_epoch",
]


def __getattr__(name: str):
    """``Playground``, the notebook widget, is imported when first asked for: it needs
    anywidget (``glassnet[notebook]``), which the rest of the playground does not."""
    if name == "Playground":
        try:
            from glassnet.glassbox.playground.widget import Playground
        except ImportError as exc:
            raise ImportError(f"gn.playground.Playground needs {exc.name}; install it with "
                              f"pip install 'glassnet[notebook]'.") from exc
        return Playground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
