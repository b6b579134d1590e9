"""Every layer type by name, Dense to LSTM: the allow-list a model file's layers are
looked up in (``get_config()["type"]`` → class). A class with ``from_config``
rebuilds itself from its config; Dense and Dropout are built by the loader."""

from __future__ import annotations

from glassnet.conv import Conv2D, Flatten, MaxPool2D
from glassnet.layers import LAYERS as DENSE_LAYERS
from glassnet.layers import Layer
from glassnet.recurrent import LSTM, RNN

LAYERS: dict[str, type[Layer]] = {
    **DENSE_LAYERS,
    **{cls.__name__: cls for cls in (Conv2D, MaxPool2D, Flatten, RNN, LSTM)},
}
