"""A character-level RNN on the tutorial's own words (min-char-rnn, on glassnet's layers).

    python examples/char_rnn.py          # RNN, 40 epochs; --lstm for an LSTM

The text is the excerpt of Sunil Ray's article that ships with glassnet
(``gn.datasets.tutorial_text()``, lowercased: V distinct characters). Every window
of T = 16 characters, one-hot (N, T, V), is a sample; its target is the character
that follows. The network reads the window and gives P(next character):

    RNN(V, 128) (or LSTM) → h_T → Dense(128, V, softmax)

Before training the loss is ln V nats per character (every character equally
likely); training brings it well below, and the network then writes text one
character at a time, each drawn from its own prediction.
"""

from __future__ import annotations

import math
import sys

import numpy as np

import glassnet as gn


def windows(text: str, T: int = 16):
    """(X one-hot (N, T, V), y labels (N,), the alphabet) for every window of T characters."""
    alphabet = sorted(set(text))
    codes = np.array([alphabet.index(c) for c in text])
    starts = np.arange(len(codes) - T)
    X = np.eye(len(alphabet))[codes[starts[:, None] + np.arange(T)]]
    return X, codes[starts + T], alphabet


def build(V: int, cell: str = "rnn", units: int = 128, seed: int = 0) -> gn.Network:
    recurrent = gn.LSTM(V, units) if cell == "lstm" else gn.RNN(V, units, clip=5.0)
    return gn.Network([recurrent, gn.Dense(units, V, activation="softmax", init="xavier")],
                      seed=seed)


def train(cell: str = "rnn", epochs: int = 40, seed: int = 0, T: int = 16):
    """The trained network, its alphabet, the loss before training and the history."""
    X, y, alphabet = windows(gn.datasets.tutorial_text().lower(), T)
    net = build(len(alphabet), cell, seed=seed)
    before = net.evaluate(X, y, loss="categorical_crossentropy")["loss"]
    net.fit(X, y, epochs=epochs, loss="categorical_crossentropy", optimizer="adam", lr=3e-3,
            batch_size=64, shuffle=True)
    return net, alphabet, before


def sample(net: gn.Network, alphabet: list[str], seed_text: str, n_chars: int = 200,
           T: int = 16, temperature: float = 0.5, random_state: int = 0) -> str:
    """Continue ``seed_text`` by ``n_chars`` characters, each drawn from P(next | last T)."""
    rng = np.random.default_rng(random_state)
    eye = np.eye(len(alphabet))
    text = seed_text
    for _ in range(n_chars):
        window = [alphabet.index(c) for c in text[-T:]]
        p = net.predict(eye[window][None])[0]
        logits = np.log(np.maximum(p, 1e-12)) / temperature  # < 1 sharpens the choice
        p = np.exp(logits - logits.max())
        text += alphabet[rng.choice(len(alphabet), p=p / p.sum())]
    return text


if __name__ == "__main__":
    cell = "lstm" if "--lstm" in sys.argv else "rnn"
    net, alphabet, before = train(cell)
    V = len(alphabet)
    print(f"V = {V} characters, ln V = {math.log(V):.3f}")
    print(f"loss per character: {before:.3f} before training, "
          f"{net.history.loss[0]:.3f} in epoch 0, {net.history.loss[-1]:.3f} after "
          f"{len(net.history)} epochs")
    print(sample(net, alphabet, "neural networks ", 300))
