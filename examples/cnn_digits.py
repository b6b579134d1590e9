"""A small CNN on scikit-learn's 8×8 digits beats glassnet's own MLP on the same budget.

    python examples/cnn_digits.py            # 3 seeds, 15 epochs each (about a minute)

CNN:  Conv2D 3×3, 32 filters, padding 1, ReLU → 2×2 max-pool → Flatten → Dense 10 softmax
MLP:  64 → 64 ReLU → 64 ReLU → 10 softmax
Both: Adam lr 1e-2, 15 epochs, minibatches of 32, shuffled, pixels scaled to [0, 1],
float32, the same stratified 70/30 split per seed; the figure is the mean test
accuracy over the seeds. (PyTorch reaches 0.986 with this CNN, the MLP about 0.97.)
Needs scikit-learn for the data set (``pip install glassnet[sklearn]``).
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.model_selection import train_test_split

import glassnet as gn


def split(seed: int):
    """The 70/30 split of the digits for ``seed``, as images (N, 1, 8, 8) in [0, 1]."""
    data = gn.datasets.digits_images()
    return train_test_split(data.X / 16.0, data.y, test_size=0.3, random_state=seed,
                            stratify=data.y)


def cnn(seed: int, dtype: str = "float32") -> gn.Network:
    return gn.Network([
        gn.Conv2D(1, 32, 3, padding=1, activation="relu", init="he"),
        gn.MaxPool2D(2),
        gn.Flatten(),
        gn.Dense(32 * 4 * 4, 10, activation="softmax", init="xavier"),
    ], seed=seed, dtype=dtype)  # fmt: skip


def mlp(seed: int, dtype: str = "float32") -> gn.Network:
    return gn.Network([
        gn.Dense(64, 64, activation="relu", init="he"),
        gn.Dense(64, 64, activation="relu", init="he"),
        gn.Dense(64, 10, activation="softmax", init="xavier"),
    ], seed=seed, dtype=dtype)  # fmt: skip


def accuracy(kind: str, seed: int, epochs: int = 15, dtype: str = "float32") -> float:
    """Test accuracy of the ``kind`` ("cnn" or "mlp") network trained on ``seed``'s split."""
    X_train, X_test, y_train, y_test = split(seed)
    if kind == "mlp":
        X_train, X_test = X_train.reshape(-1, 64), X_test.reshape(-1, 64)
    net = (cnn if kind == "cnn" else mlp)(seed, dtype)
    net.fit(X_train, y_train, epochs=epochs, loss="categorical_crossentropy",
            optimizer="adam", lr=1e-2, batch_size=32, shuffle=True)
    return net.evaluate(X_test, y_test)["accuracy"]


def compare(seeds=(0, 1, 2), epochs: int = 15) -> dict[str, list[float]]:
    """{"cnn": [accuracy per seed], "mlp": [...]}, same splits and budget for both."""
    return {kind: [accuracy(kind, seed, epochs) for seed in seeds] for kind in ("cnn", "mlp")}


if __name__ == "__main__":
    started = time.perf_counter()
    result = compare()
    for kind, values in result.items():
        shown = "  ".join(f"{v:.4f}" for v in values)
        print(f"{kind}: {shown}   mean {np.mean(values):.4f}")
    cnn(0).summary(input_shape=(1, 8, 8))
    print(f"({time.perf_counter() - started:.1f} s)")
