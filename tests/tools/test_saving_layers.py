"""Save and load networks of Conv2D, MaxPool2D, Flatten, RNN and LSTM: bit-identical
parameters, predictions and continued training; the layer types are allow-listed."""

import json
import zipfile

import numpy as np
import pytest

import glassnet as gn

rng = np.random.default_rng(15)


def cnn(dtype="float64"):
    return gn.Network([
        gn.Conv2D(1, 3, (3, 2), stride=(1, 2), padding=(1, 0),
                  activation="leaky_relu", init="he"),
        gn.MaxPool2D(2, 1), gn.Flatten(), gn.Dense(3 * 5 * 1, 4, activation="softmax"),
    ], seed=4, dtype=dtype)  # fmt: skip


def rnn(dtype="float64"):
    return gn.Network([
        gn.LSTM(3, 4, return_sequences=True, clip=1.5),
        gn.RNN(4, 5, activation="relu"), gn.Dense(5, 2, activation="linear"),
    ], seed=5, dtype=dtype)  # fmt: skip


CASES = {
    "cnn": (cnn, lambda: rng.standard_normal((12, 1, 6, 4)), lambda n: rng.integers(0, 4, n),
            "categorical_crossentropy"),
    "rnn": (rnn, lambda: rng.standard_normal((12, 7, 3)), lambda n: rng.standard_normal((n, 2)),
            "mse"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_trip_is_bit_identical_and_training_continues_identically(tmp_path, case, dtype):
    build, make_X, make_y, loss = CASES[case]
    X = make_X()
    y = make_y(X.shape[0])
    net = build(dtype)
    net.fit(X, y, epochs=2, loss=loss, optimizer="adam", lr=1e-2, batch_size=5, shuffle=True)
    path = tmp_path / "model.gnet"
    net.save(path)
    back = gn.load(path)
    assert [repr(layer) for layer in back.layers] == [repr(layer) for layer in net.layers]
    assert back.params.dtype == net.params.dtype
    np.testing.assert_array_equal(back.params, net.params)
    np.testing.assert_array_equal(back.predict(X), net.predict(X))
    for other in (net, back):
        other.fit(X, y, epochs=2, loss=loss, optimizer="adam", lr=1e-2, batch_size=5,
                  shuffle=True)
    np.testing.assert_array_equal(back.params, net.params)


def test_layer_configs_are_written_and_unknown_types_refused(tmp_path):
    net = cnn()
    path = tmp_path / "model.gnet"
    net.save(path)
    with zipfile.ZipFile(path) as archive:
        doc = json.loads(archive.read("model.json"))
    kinds = [layer["type"] for layer in doc["network"]["layers"]]
    assert kinds == ["Conv2D", "MaxPool2D", "Flatten", "Dense"]
    assert doc["network"]["layers"][0]["stride"] == [1, 2]
    doc["network"]["layers"][0]["type"] = "Conv3D"
    bad = tmp_path / "bad.gnet"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.namelist():
            data = json.dumps(doc) if item == "model.json" else src.read(item)
            dst.writestr(item, data)
    with pytest.raises(ValueError, match="unknown layer type 'Conv3D'.*Conv2D"):
        gn.load(bad)
