"""Class 10: mistakes a learner makes that used to run silently and give degenerate
predictions now end in a sentence saying what to change."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.tools import cli

X = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]], float)


@pytest.mark.parametrize("layers, loss, says", [
    ([gn.Dense(4, 3), gn.Dense(3, 1, activation="sigmoid")], "categorical_crossentropy",
     "loss='binary_crossentropy' with one sigmoid output"),
    ([gn.Dense(4, 1, activation="linear")], "binary_crossentropy", "activation='sigmoid'"),
    ([gn.Dense(4, 1, activation="relu")], "binary_crossentropy", "activation='sigmoid'"),
    ([gn.Dense(4, 3, activation="sigmoid")], "categorical_crossentropy",
     "activation='softmax' on the last layer"),
    ([gn.Dense(4, 3, activation="linear")], "categorical_crossentropy", "do not sum to 1"),
])
def test_a_loss_that_cannot_train_the_output_layer_is_refused(layers, loss, says):
    net = gn.Network(layers, seed=0)
    before = net.params.copy()
    y = np.array([[1], [1], [0]]) if net.n_outputs == 1 else np.eye(3)
    with pytest.raises(ValueError, match=says):
        net.fit(X, y, epochs=5, loss=loss)
    assert np.array_equal(net.params, before)


def test_the_readme_mistake_pasted_after_the_quick_start():
    net = gn.Network([gn.Dense(4, 3, activation="sigmoid"),
                      gn.Dense(3, 1, activation="sigmoid")], seed=42)
    with pytest.raises(ValueError, match="single sigmoid output"):
        net.fit(X, np.array([[1], [1], [0]]), epochs=2, optimizer="adam", lr=1e-3,
                loss="categorical_crossentropy")


@pytest.mark.parametrize("given, meant", [
    ({"learning_rate": 0.1}, "lr"), ({"n_epochs": 3}, "epochs"), ({"max_iter": 3}, "epochs"),
    ({"batchsize": 2}, "batch_size"), ({"validation_fraction": 0.2}, "validation_split"),
    ({"callback": []}, "callbacks"), ({"lossfn": "mse"}, "loss"), ({"metric": []}, "metrics"),
    ({"shufle": True}, "shuffle"), ({"optimiser": "adam"}, "optimizer"),
])
def test_a_misnamed_fit_argument_says_which_was_meant(given, meant):
    net = gn.Network([gn.Dense(4, 1)], seed=0)
    with pytest.raises(TypeError, match=f"did you mean {meant}=") as info:
        net.fit(X, np.zeros(3), **given)
    assert next(iter(given)) in str(info.value)


def test_the_right_pairs_still_train():
    for layers, loss, y in (
        ([gn.Dense(4, 1, activation="sigmoid")], "binary_crossentropy", np.array([1, 1, 0])),
        ([gn.Dense(4, 3, activation="softmax")], "categorical_crossentropy", np.array([0, 1, 2])),
        ([gn.Dense(4, 3, activation="sigmoid")], "binary_crossentropy", np.eye(3)),
        ([gn.Dense(4, 1, activation="linear")], "mse", np.array([1.0, 2.0, 3.0])),
    ):
        gn.Network(layers, seed=0).fit(X, y, epochs=2, loss=loss)


def test_the_cli_says_it_in_one_line(tmp_path, capsys):
    data = tmp_path / "two.csv"
    data.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{'yes' if i % 2 else 'no'}\n"
                                             for i in range(12)))
    status = cli.main(["train", str(data), "--target", "label", "--loss",
                       "categorical_crossentropy", "--quiet", "--out", str(tmp_path / "m.gnet")])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1 and "binary_crossentropy" in err
    assert not (tmp_path / "m.gnet").exists()
