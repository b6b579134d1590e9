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
    initializers,
    losses,
    metrics,
    optimizers,
    schedules,
)
from glassnet._version import __version__
from glassnet.callbacks import Callback, EarlyStopping
from glassnet.conv import Conv2D

# The public face reaches below the engine: the glass box and the tools.
from glassnet.glassbox import playground  # noqa: E402, I001
from glassnet.glassbox.doctor import Diagnosis, Finding, doctor
from glassnet.glassbox.gradcheck import GradcheckReport, gradcheck
from glassnet.glassbox.live import LivePlot
from glassnet.glassbox.progress import EpochLogger
from glassnet.glassbox.trace import Step, Trace
from glassnet.layers import Dense, Dropout, Layer
from glassnet.network import Network, mlp
from glassnet.pooling import Flatten, MaxPool2D
from glassnet.recurrent import LSTM, RNN
from glassnet.tools import datasets
from glassnet.tools.export import export_script
from glassnet.tools.saving import ModelFileError, load, save
from glassnet.tools.table_model import TableModel, fit_table
from glassnet.training import History, TrainingDivergedError

__all__ = [
    "Callback",
    "Conv2D",
    "Dense",
    "Diagnosis",
    "Dropout",
    "EarlyStopping",
    "EpochLogger",
    "Finding",
    "Flatten",
    "GradcheckReport",
    "History",
    "Layer",
    "LivePlot",
    "LSTM",
    "MaxPool2D",
    "ModelFileError",
    "Network",
    "RNN",
    "Step",
    "TableModel",
    "Trace",
    "TrainingDivergedError",
    "activations",
    "callbacks",
    "datasets",
    "doctor",
    "export_script",
    "fit_table",
    "gradcheck",
    "initializers",
    "load",
    "save",
    "losses",
    "metrics",
    "mlp",
    "optimizers",
    "playground",
    "schedules",
    "__version__",
]
