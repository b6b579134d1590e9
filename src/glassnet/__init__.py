"""glassnet: neural networks from scratch on NumPy, where every number is visible.

>>> import glassnet as gn
>>> net = gn.Network([gn.Dense(4, 3, activation="sigmoid"),
...                   gn.Dense(3, 1, activation="sigmoid")], seed=42)
>>> [W.shape for W, b in net.get_weights()]
[(4, 3), (3, 1)]
"""

from glassnet import (
    activations,
    callbacks,
    datasets,
    initializers,
    losses,
    metrics,
    optimizers,
    schedules,
)
from glassnet.callbacks import Callback, EarlyStopping, EpochLogger
from glassnet.export import export_script
from glassnet.gradcheck import GradcheckReport, gradcheck
from glassnet.io import load
from glassnet.layers import Dense, Dropout, Layer
from glassnet.network import Network
from glassnet.trace import Step, Trace
from glassnet.training import History, TrainingDivergedError

__version__ = "0.1.0"

__all__ = [
    "Callback",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "EpochLogger",
    "GradcheckReport",
    "History",
    "Layer",
    "Network",
    "Step",
    "Trace",
    "TrainingDivergedError",
    "activations",
    "callbacks",
    "datasets",
    "export_script",
    "gradcheck",
    "initializers",
    "load",
    "losses",
    "metrics",
    "optimizers",
    "schedules",
    "__version__",
]
