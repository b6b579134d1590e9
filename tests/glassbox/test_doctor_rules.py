"""The doctor's other codes, each on a small case, and its promise: the network it
looks at keeps its weights, optimizer state, history and random generator."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.glassbox.doctor import Diagnosis, Finding

rng = np.random.default_rng(0)
X2 = rng.normal(size=(120, 2))
y2 = (X2[:, :1] > 0).astype(float)


def test_cross_entropy_on_a_linear_output_is_an_error():
    net = gn.Network([gn.Dense(2, 4, "tanh"), gn.Dense(4, 2, "linear")], seed=0)
    d = gn.doctor(net, X2, np.eye(2)[y2[:, 0].astype(int)], loss="categorical_crossentropy")
    assert d["loss_output_mismatch"].severity == "error" and d.has_error


def test_bad_init_loss_compares_with_ln_k():
    net = gn.Network([gn.Dense(2, 8, "tanh", init="glorot_uniform"), gn.Dense(8, 4, "softmax")],
                     seed=0)
    net.layers[1].W = 8 * net.layers[1].W  # confident logits from the start
    labels = rng.integers(0, 4, size=120)
    f = gn.doctor(net, X2, labels, loss="categorical_crossentropy", lr=0.01)["bad_init_loss"]
    assert f.numbers["ln_K"] == pytest.approx(np.log(4))
    assert f.numbers["loss_at_init"] > 2 * f.numbers["constant_guess_loss"]


def test_class_imbalance_warns_from_a_ratio_of_ten():
    labels = np.r_[np.zeros(114), np.ones(6)].reshape(-1, 1)
    net = gn.Network([gn.Dense(2, 4, "tanh", init="glorot_uniform"), gn.Dense(4, 1)], seed=0)
    f = gn.doctor(net, X2, labels, loss="binary_crossentropy")["class_imbalance"]
    assert f.severity == "warning" and f.numbers["class_counts"] == [114, 6]
    mild = np.r_[np.zeros(90), np.ones(30)].reshape(-1, 1)
    assert gn.doctor(net, X2, mild, loss="binary_crossentropy")["class_imbalance"].severity == (
        "info")


def test_exploding_gradient_when_huge_inputs_meet_tiny_first_weights():
    # z = X W stays moderate, but dL/dW¹ = Xᵀ δ carries the inputs' scale (10³)
    net = gn.Network([gn.Dense(2, 8, "tanh", init="glorot_uniform"),
                      gn.Dense(8, 1, "linear", init="glorot_uniform")], seed=0)
    net.layers[0].W = 1e-3 * net.layers[0].W
    d = gn.doctor(net, 1000 * X2, y2, loss="mse", lr=1e-9)
    f = d["exploding_gradient"]
    assert f.numbers["ratio_first_to_last"] > 70 and "inputs_not_scaled" in d


def test_lr_too_high_when_steps_are_large_and_the_loss_rises():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    X = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]])
    d = gn.doctor(net, X, [[1], [1], [0]], loss="half_sse", lr=10)
    assert d.codes == ["lr_too_high"] and d["lr_too_high"].numbers["update_ratio"] > 0.1


def saturated_tanh_network():
    net = gn.mlp([2, 4, 1], activation="tanh", output="tanh", init="glorot_uniform", seed=0)
    net.params *= 20  # weights thrown far out: every tanh sits on a flat end
    return net


def history_of(losses):
    history = gn.History()
    history.loss = list(losses)
    return history


def test_a_loss_that_rose_in_training_is_the_rate_and_the_saturation_its_symptom():
    net, y = saturated_tanh_network(), np.where(y2 > 0, 1.0, -1.0)
    alone = gn.doctor(net, X2, y, loss="mse", lr=0.01, optimizer="gd")
    assert alone.top.code == "saturated_output" and "lr_too_high" not in alone  # the probe
    rose = gn.doctor(net, X2, y, loss="mse", lr=0.01, optimizer="gd",
                     history=history_of([1.0, 1.55, 1.4]))
    assert rose.top.code == "lr_too_high" and rose.codes.count("lr_too_high") == 1
    assert rose["lr_too_high"].numbers | {"lr": 0} == {
        "loss_first": 1.0, "loss_peak": 1.55, "loss_last": 1.4, "lr": 0, "from": "history"}
    assert "lower the learning rate tenfold (lr=0.001)" in rose["lr_too_high"].fix
    for code in ("saturated_output", "saturated_hidden"):
        assert rose[code].cause == "lr_too_high" and "lr_too_high" in rose[code].fix
    # up and back down below the start, or a 5 % rise: not the rate's doing
    for losses in ([1.0, 1.55, 0.9], [1.0, 1.05, 1.04]):
        calm = gn.doctor(net, X2, y, loss="mse", lr=0.01, optimizer="gd",
                         history=history_of(losses))
        assert calm.codes == alone.codes and calm["saturated_output"].cause is None


def test_underfitting_when_the_loss_plateaus_far_from_the_targets():
    net = gn.Network([gn.Dense(2, 1, "linear")], seed=0)
    y = np.sin(3 * X2[:, :1]) * np.cos(3 * X2[:, 1:])  # a line cannot follow this
    net.fit(X2, y, epochs=300, lr=0.1, loss="mse")
    f = gn.doctor(net, X2, y)["underfitting"]
    assert f.numbers["last_loss"] > 0.5 * f.numbers["baseline_loss"]


def test_a_diagnosis_reads_like_a_list_and_says_when_all_is_well():
    d = Diagnosis([Finding("b", "info", "t", "e", "f"), Finding("a", "error", "t", "e", "f")])
    assert d.codes == ["a", "b"] and d.top.code == "a" and "a" in d and not d.ok
    assert d.top.one_line == "a (error): t. Fix: f"
    with pytest.raises(KeyError, match="has no finding 'c'; it has: a, b"):
        d["c"]
    assert str(Diagnosis([])) == "Diagnosis: nothing wrong found." and Diagnosis([]).ok
    with pytest.raises(ValueError, match="severity must be one of error, warning, info"):
        Finding("x", "fatal", "t", "e", "f")


ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widths=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    activation=st.sampled_from(ACTIVATIONS),
    lr=st.sampled_from([1e-6, 0.1, 10.0, 1e3]),
    optimizer=st.sampled_from(["gd", "adam", "momentum"]),
    trained=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_the_doctor_never_changes_the_network(widths, activation, lr, optimizer, trained, seed):
    data = np.random.default_rng(seed)
    X = data.normal(size=(16, 3)) * data.choice([1, 50])
    y = data.normal(size=(16, 1))
    sizes = [3, *widths]
    layers = [gn.Dense(a, b, activation) for a, b in zip(sizes, sizes[1:])]
    net = gn.Network([*layers, gn.Dense(sizes[-1], 1, "linear")], seed=seed)
    if trained:
        with np.errstate(all="ignore"):
            try:
                net.fit(X, y, epochs=3, lr=0.01, optimizer=optimizer, loss="mse")
            except gn.TrainingDivergedError:
                pass
    params, grads = net.params.copy(), net.grads.copy()
    rng_state = net.rng.bit_generator.state
    history = net.history.get_config()
    opt_state = None if net.optimizer is None else {
        k: {n: np.copy(v) for n, v in s.items()} for k, s in net.optimizer.state.items()}
    d = gn.doctor(net, X, y, loss="mse", lr=lr, optimizer=optimizer, max_seconds=0.5)
    assert isinstance(d, Diagnosis)
    np.testing.assert_array_equal(net.params, params)
    np.testing.assert_array_equal(net.grads, grads)
    assert net.rng.bit_generator.state == rng_state
    assert net.history.get_config() == history
    if opt_state is not None:
        assert net.optimizer.state.keys() == opt_state.keys()
        for k, s in opt_state.items():
            for n, v in s.items():
                np.testing.assert_array_equal(net.optimizer.state[k][n], v)
    for layer in net.dense_layers:  # the layers still view the network's own vector
        assert np.shares_memory(layer.W, net.params)


def test_a_network_the_doctor_does_not_follow_is_refused_in_a_sentence():
    net = gn.Network([gn.Flatten(), gn.Dense(4, 1)], seed=0)
    with pytest.raises(TypeError, match="The doctor follows networks of Dense"):
        gn.doctor(net, np.zeros((3, 2, 2)), np.zeros((3, 1)))


def test_every_code_the_rules_produce_is_in_docs_doctor_md_with_its_severities():
    """The rules make each Finding("code", "severity", …) with literal strings; the
    table of docs/doctor.md has a row per code whose severity column names each."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    made: dict[str, set[str]] = {}
    for path in (root / "src/glassnet/glassbox/doctor").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                code, severity = node.args[0], node.args[1]
                if isinstance(code, ast.Constant):
                    levels = {severity.value} if isinstance(severity, ast.Constant) else {
                        c.value for c in ast.walk(severity) if isinstance(c, ast.Constant)
                        and c.value in ("error", "warning", "info")}
                    made.setdefault(code.value, set()).update(levels)
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", (root / "docs/doctor.md").read_text(),
                           re.M))
    assert len(made) >= 16 and set(made) == set(rows), (set(made) ^ set(rows))
    wrong = {code: (levels, rows[code]) for code, levels in made.items()
             if not all(level in rows[code] for level in levels)}
    assert not wrong, wrong
