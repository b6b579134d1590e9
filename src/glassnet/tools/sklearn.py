"""scikit-learn estimators around a glassnet :class:`~glassnet.Network`.

``GlassClassifier`` and ``GlassRegressor`` build a stack of Dense layers::

    X (n_samples, n_features) → hidden_layer_sizes[0] → … → n_outputs

and train it with :meth:`glassnet.Network.fit`. They follow scikit-learn's
conventions (hyper-parameters in ``__init__``, learned attributes ending in
``_``, validation with scikit-learn's own utilities), so they work in
``Pipeline``, ``cross_val_score`` and ``GridSearchCV``; every learned number
stays visible: ``est.network_`` is the glassnet Network, ``est.coefs_[i]`` is
layer i's W (n_inputs, n_units), ``est.intercepts_[i]`` its b (n_units,).

Output layer and default loss:

==============  =================  ===============================
task            output activation  loss ``"auto"``
==============  =================  ===============================
two classes     sigmoid (1 unit)   binary_crossentropy
k > 2 classes   softmax (k units)  categorical_crossentropy
regression      linear             mse
==============  =================  ===============================

>>> from sklearn.datasets import load_iris
>>> from glassnet.tools.sklearn import GlassClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = GlassClassifier(hidden_layer_sizes=(8,), epochs=100, random_state=0).fit(X, y)
>>> clf.predict_proba(X[:2]).shape
(2, 3)

Needs the ``sklearn`` extra: ``pip install "glassnet[sklearn]"``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils import check_random_state
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "glassnet.tools.sklearn needs scikit-learn >= 1.6. Install it with "
        "pip install 'glassnet[sklearn]'."
    ) from exc

from glassnet import losses as losses_module
from glassnet import optimizers as optimizers_module
from glassnet.callbacks import EarlyStopping
from glassnet.network import mlp
from glassnet.tools.preprocess import stratified_split
from glassnet.validation import check_range

__all__ = ["GlassClassifier", "GlassRegressor"]


class _GlassBase(BaseEstimator):
    """What both estimators share: the hyper-parameters, the network, the loop."""

    _default_loss = "mse"

    def __init__(
        self,
        hidden_layer_sizes: tuple[int, ...] = (16,),
        activation: str = "relu",
        optimizer: str = "adam",
        lr: float = 0.01,
        epochs: int = 200,
        batch_size: int | None = 32,
        shuffle: bool = True,
        random_state: Any = None,
        loss: str = "auto",
        init: str = "xavier",
        weight_decay: float = 0.0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        dtype: str = "float64",
        verbose: int = 0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.loss = loss
        self.init = init
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype
        self.verbose = verbose

    # -- helpers --------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes: Any = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        try:
            sizes = list(sizes)
        except TypeError:
            raise ValueError(
                "hidden_layer_sizes must be a tuple of positive integers such as (16, 8), "
                f"but got {self.hidden_layer_sizes!r}."
            ) from None
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size <= 0:
                raise ValueError(
                    "hidden_layer_sizes must hold positive integers, such as (16, 8), but "
                    f"got {self.hidden_layer_sizes!r}."
                )
        return [int(s) for s in sizes]

    def _seed(self) -> int | None:
        if self.random_state is None:
            return None
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _fit_network(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        out_activation: str,
        loss: str,
        labels: np.ndarray | None = None,
    ):
        """Build the network for X (n, d) → Y (n, k) and train it.

        With ``early_stopping``, ``validation_fraction`` of the rows is held out:
        as many as ``fit(validation_split=...)`` holds out
        (:func:`glassnet.training.hold_out`, ⌈n · fraction⌉), drawn with the
        network's generator, seeded by ``random_state``; at random for a
        regressor, class by class for a classifier (``labels``, the class code of
        each row), as ``glassnet train`` does
        (:func:`glassnet.tools.preprocess.stratified_split`), so that each class
        is held out in proportion to its size, within one row. Training stops
        once their loss has not improved for ``n_iter_no_change`` epochs, and
        the best epoch's weights are kept.
        """
        sizes = [X.shape[1], *self._hidden_sizes(), Y.shape[1]]
        net = mlp(sizes, activation=self.activation, output=out_activation, init=self.init,
                  seed=self._seed(), dtype=self.dtype)  # fmt: skip
        if not isinstance(self.optimizer, str) or self.optimizer.lower() not in (
            optimizers_module.OPTIMIZERS
        ):
            optimizers_module.get(self.optimizer)  # raises the registry's sentence
        optimizer = optimizers_module.OPTIMIZERS[self.optimizer.lower()](
            lr=self.lr, weight_decay=self.weight_decay
        )
        validation, callbacks = None, []
        if self.early_stopping:
            fraction = check_range(self.validation_fraction, "validation_fraction", 0, 1,
                                   low_open=True, high_open=True, noun="a fraction")  # fmt: skip
            train, val = stratified_split(
                labels, X.shape[0], fraction, net.rng, name="validation_fraction"
            )
            X, Y, validation = X[train], Y[train], (X[val], Y[val])
            callbacks = [EarlyStopping(patience=self.n_iter_no_change, restore_best_weights=True)]
        history = net.fit(
            X, Y, epochs=self.epochs, loss=loss, optimizer=optimizer, batch_size=self.batch_size,
            shuffle=self.shuffle, validation_data=validation, callbacks=callbacks,
            verbose=self.verbose,
        )  # fmt: skip
        self.network_ = net
        self.loss_ = losses_module.get(loss).name
        self.loss_curve_ = list(history.loss)
        self.n_iter_ = len(history.loss)
        self.out_activation_ = out_activation
        if callbacks:
            self.validation_loss_curve_ = list(history.val_loss)
            self.best_validation_loss_ = float(callbacks[0].best)
            self.best_epoch_ = callbacks[0].best_epoch
        return self

    def _resolve_loss(self) -> str:
        return self._default_loss if self.loss == "auto" else self.loss

    def _validate_X(self, X, reset: bool) -> np.ndarray:
        return validate_data(self, X, reset=reset, dtype=self._np_dtype())

    def _np_dtype(self):
        if self.dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be 'float64' or 'float32', but got {self.dtype!r}.")
        return np.dtype(self.dtype)

    def _forward(self, X) -> np.ndarray:
        check_is_fitted(self, "network_")
        X = self._validate_X(X, reset=False)
        return self.network_.predict_array(X)

    # -- the weights, as views ---------------------------------------------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """W of each layer, (n_inputs, n_units): views into ``network_.params``."""
        check_is_fitted(self, "network_")
        return [layer.W for layer in self.network_.dense_layers]

    @property
    def intercepts_(self) -> list[np.ndarray | None]:
        """b of each layer, (n_units,): views into ``network_.params``."""
        check_is_fitted(self, "network_")
        return [layer.b for layer in self.network_.dense_layers]


class GlassClassifier(ClassifierMixin, _GlassBase):
    """A multi-layer perceptron classifier trained by glassnet.

    Parameters
    ----------
    hidden_layer_sizes : units of each hidden layer, input side first.
    activation : hidden activation, a name from ``glassnet.activations.ACTIVATIONS``.
    optimizer : a name from ``glassnet.optimizers.OPTIMIZERS`` (gd, momentum, adam, …).
    lr : learning rate η.
    epochs : passes over the training data.
    batch_size : samples per update; None for full-batch gradient descent.
    shuffle : reshuffle the samples every epoch.
    random_state : int seed (initial weights and shuffling) or None.
    loss : ``"auto"`` (binary or categorical cross-entropy) or a name from
        ``glassnet.losses.LOSSES``.
    init : weight initialiser, a name from ``glassnet.initializers.INITIALIZERS``.
    weight_decay : L2 penalty coefficient λ (adds λθ to every gradient).
    early_stopping : hold out ``validation_fraction`` of the rows (drawn class
        by class, each class in proportion to its size, seeded by
        ``random_state``); stop once their loss has not improved for
        ``n_iter_no_change`` epochs and keep the best epoch's weights.
    dtype : ``"float64"`` or ``"float32"``.
    verbose : 0 silent, 1 a progress bar, 2 one line per epoch.

    Attributes
    ----------
    classes_ : the class labels, sorted; output k (or the single sigmoid
        output, for two classes) scores ``classes_[k]``.
    network_ : the trained :class:`glassnet.Network`.
    loss_curve_ : training loss per epoch; ``n_iter_`` epochs were run.
    validation_loss_curve_, best_validation_loss_, best_epoch_ : with
        ``early_stopping``, the held-out loss per epoch, its best value and the
        (0-based) epoch whose weights were kept.
    n_features_in_, feature_names_in_ : what ``fit`` saw.
    coefs_, intercepts_ : W and b per layer (views).
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags

    def fit(self, X, y) -> GlassClassifier:
        """Train on X (n_samples, n_features) and class labels y (n_samples,)."""
        X, y = validate_data(self, X, y, dtype=self._np_dtype())
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"y holds only one class ({classes[0]!r}); a classifier needs at least two "
                "classes to learn to tell apart."
            )
        self.classes_ = classes
        if len(classes) == 2:
            Y = codes.reshape(-1, 1).astype(X.dtype)
            out, auto_loss = "sigmoid", "binary_crossentropy"
        else:
            Y = np.zeros((len(codes), len(classes)), dtype=X.dtype)
            Y[np.arange(len(codes)), codes] = 1
            out, auto_loss = "softmax", "categorical_crossentropy"
        loss = auto_loss if self.loss == "auto" else self.loss
        return self._fit_network(X, Y, out, loss, labels=codes)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, (n_samples, n_classes), columns in ``classes_`` order."""
        out = self._forward(X)
        if out.shape[1] == 1:
            p = out[:, 0]
            return np.column_stack([1 - p, p])
        return out

    def predict(self, X) -> np.ndarray:
        """The most probable class label of each sample, (n_samples,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class GlassRegressor(RegressorMixin, _GlassBase):
    """A multi-layer perceptron regressor trained by glassnet (linear output, mse).

    Takes the same parameters as :class:`GlassClassifier`; ``loss="auto"``
    means ``"mse"``, and ``early_stopping`` holds its rows out at random
    (there are no classes to draw them by). ``y`` may be 1-D (one output) or 2-D (one column per
    output); ``predict`` returns the same shape.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y) -> GlassRegressor:
        """Train on X (n_samples, n_features) and y (n_samples,) or (n_samples, n_outputs)."""
        X, y = validate_data(
            self, X, y, dtype=self._np_dtype(), multi_output=True, y_numeric=True
        )
        y = np.asarray(y, dtype=X.dtype)
        self._y_was_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        self.n_outputs_ = Y.shape[1]
        return self._fit_network(X, Y, "linear", self._resolve_loss())

    def predict(self, X) -> np.ndarray:
        """Predictions, (n_samples,) when fitted on 1-D y, else (n_samples, n_outputs)."""
        out = self._forward(X)
        return out[:, 0] if self._y_was_1d else out
