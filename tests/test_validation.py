"""Bad input is refused with a sentence that names what was expected and what came."""

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture
def net():
    return gn.Network([gn.Dense(3, 4, "sigmoid"), gn.Dense(4, 1, "sigmoid")], seed=0)


def test_the_tutorial_readers_shape_error_becomes_a_sentence(net):
    # A reader fed 75 rows × 6 columns into the tutorial's network and got
    # "shapes (75,75) and (1,3) not aligned". glassnet names the layer and both shapes.
    X = np.zeros((75, 6))
    with pytest.raises(ValueError) as err:
        net.fit(X, np.zeros(75), epochs=1)
    message = str(err.value)
    assert "Layer 1 (Dense(3, 4, activation='sigmoid'))" in message
    assert "expects 3 input feature(s) but X has 6 column(s) (X.shape=(75, 6))" in message
    assert "one row per sample and one column per feature" in message


def test_a_1d_target_is_a_column_not_a_broadcasting_accident(net):
    X = np.random.default_rng(0).random((75, 3))
    hist = net.fit(X, np.ones(75), epochs=2)
    assert len(hist.loss) == 2
    assert net.predict(X).shape == (75, 1)


@pytest.mark.parametrize("where", ["X", "y"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_are_refused_with_their_positions(net, where, bad):
    X, y = np.ones((5, 3)), np.ones((5, 1))
    (X if where == "X" else y)[3, 0] = bad
    with pytest.raises(ValueError, match=rf"{where} contains .* 1 position\(s\).*\(3, 0\)"):
        net.fit(X, y, epochs=1)


def test_nan_report_counts_and_truncates(net):
    X = np.full((10, 3), np.nan)
    with pytest.raises(ValueError, match=r"30 position\(s\).*and 25 more"):
        net.predict(X)


def test_non_numeric_data_is_refused(net):
    with pytest.raises(TypeError, match="X must hold numbers.*'abc'"):
        net.predict([[1, 2, "abc"]])
    with pytest.raises(TypeError, match="X must hold real numbers.*complex"):
        net.predict(np.ones((2, 3), dtype=complex))


def test_ragged_rows_are_refused(net):
    with pytest.raises(ValueError, match="rectangular array"):
        net.predict([[1, 2, 3], [1, 2]])


def test_ragged_or_missing_y_is_refused_as_x_is():
    # y went through np.asarray before the checks: a ragged y raised NumPy's own error and
    # y=None was reported as "y contains NaN at 1 position(s) [(row, column)]: ()".
    net = gn.Network([gn.Dense(2, 3, "softmax")], seed=0)
    with pytest.raises(ValueError, match="y must be a rectangular array of numbers"):
        net.fit(np.ones((2, 2)), [[0, 1, 0], [1, 0]], epochs=1)
    with pytest.raises(TypeError, match="y must be an array of numbers, but got None."):
        net.fit(np.ones((2, 2)), None, epochs=1)


@pytest.mark.parametrize(
    "X, dtype, where",
    [
        ([[1], [10**400]], "float64", r"\(1, 0\) is an integer of about 400 digits"),
        ([[10**40]], "float32", r"\(0, 0\) is an integer of about 40 digits"),
        (np.array([[1.0], [-1e300]]), "float32", r"\(1, 0\) is -1e\+300"),
    ],
)
def test_numbers_beyond_the_dtype_are_refused_with_their_position(X, dtype, where):
    # before: a raw OverflowError (Python ints), or an inf made by the cast and reported
    # as if the data held inf
    net = gn.Network([gn.Dense(1, 1)], seed=0, dtype=dtype)
    with pytest.raises(ValueError, match=rf"X must hold numbers a {dtype} can take .*{where}"):
        net.predict(X)
    with pytest.raises(ValueError, match=r"y must hold numbers a float64 can take"):
        gn.Network([gn.Dense(1, 1)], seed=0).fit([[1.0], [2.0]], [10**400, 1], epochs=1)


def test_empty_arrays_are_refused(net):
    with pytest.raises(ValueError, match=r"X is empty \(shape \(0, 3\)\)"):
        net.predict(np.zeros((0, 3)))


def test_wrong_dimensions_are_explained(net):
    with pytest.raises(ValueError, match="1-D array of shape"):
        net.predict(np.ones(3))
    with pytest.raises(ValueError, match="got 3-D with shape"):
        net.predict(np.ones((2, 3, 1)))


def test_wrong_y_length_names_both_counts(net):
    with pytest.raises(ValueError, match="X has 5 samples .* but y has 4"):
        net.fit(np.ones((5, 3)), np.ones(4), epochs=1)


def test_y_with_too_many_columns(net):
    with pytest.raises(ValueError, match=r"y has 2 column\(s\).*1 output unit"):
        net.fit(np.ones((5, 3)), np.ones((5, 2)), epochs=1)


def test_class_labels_outside_the_output_layer():
    net = gn.Network([gn.Dense(2, 3, "softmax")], seed=0)
    with pytest.raises(ValueError, match="class label 3, but the network has only 3 outputs"):
        net.fit(np.ones((2, 2)), [0, 3], loss="categorical_crossentropy", epochs=1)
    with pytest.raises(ValueError, match="holds 1.5, which is not a non-negative integer"):
        net.fit(np.ones((2, 2)), [0, 1.5], loss="categorical_crossentropy", epochs=1)


def test_binary_crossentropy_targets_outside_0_1(net):
    with pytest.raises(ValueError, match=r"targets in \[0, 1\]"):
        net.fit(np.ones((2, 3)), [0, 2], loss="binary_crossentropy", epochs=1)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"epochs": 0}, "epochs must be a positive integer, but got 0"),
        ({"epochs": 2.5}, "epochs must be a positive integer"),
        ({"batch_size": -1}, "batch_size must be a positive integer"),
        ({"lr": 0}, "lr must be a positive finite number"),
        ({"lr": float("nan")}, "lr must be a positive finite number"),
        ({"verbose": 3}, "verbose must be 0, 1, 2 or 'plot'"),
        ({"loss": "hinge"}, "Unknown loss 'hinge'. Expected one of: binary_crossentropy"),
        ({"optimizer": "lbfgs"}, "Unknown optimizer 'lbfgs'. Expected one of: adam"),
        ({"metrics": ["f1"]}, "Unknown metric 'f1'. Expected one of: accuracy"),
        ({"validation_data": np.ones((2, 3))}, "validation_data must be a pair"),
        ({"validation_data": np.ones((2, 3))}, r"but got one array of shape \(2, 3\); pass "),
        ({"validation_data": [1, 2, 3]}, r"pair \(X_val, y_val\), but got a list of 3 item"),
    ],
)
def test_bad_fit_arguments(net, kwargs, match):
    before = net.params.copy()
    with pytest.raises(ValueError, match=match):
        net.fit(np.ones((4, 3)), np.ones(4), **{"epochs": 1, **kwargs})
    np.testing.assert_array_equal(net.params, before)


def test_unknown_init_lists_the_valid_names():
    with pytest.raises(ValueError, match="Unknown init 'glorot'. Expected one of: .*he_normal"):
        gn.Dense(3, 4, init="glorot")


@pytest.mark.parametrize("n", [0, -2, 1.5, True])
def test_layer_sizes_must_be_positive_integers(n):
    with pytest.raises(ValueError, match="must be a positive integer"):
        gn.Dense(n, 3)


def test_inputs_are_never_modified_and_lists_pandas_like_and_ints_work(net):
    X = np.arange(12, dtype=np.int64).reshape(4, 3)
    X_f = np.asfortranarray(X.astype(float) / 10)
    y = [0, 1, 1, 0]
    X_before, X_f_before = X.copy(), X_f.copy()
    net.fit(X, y, epochs=3)
    net.fit(X_f[:, :], y, epochs=3)
    net.fit(X_f.tolist(), np.array(y), epochs=3)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(X_f, X_f_before)
    assert net.predict(X[::2]).shape == (2, 1)  # a non-contiguous view


def test_class_labels_with_a_squared_loss_get_a_hint():
    net = gn.Network([gn.Dense(2, 3, "softmax")], seed=0)
    with pytest.raises(ValueError, match="loss='categorical_crossentropy', which one-hot"):
        net.fit(np.ones((4, 2)), [0, 1, 2, 1], epochs=1)
    with pytest.raises(ValueError, match=r"pass it 1-D \(y.ravel\(\)\)"):
        net.fit(np.ones((4, 2)), [[0], [1], [2], [1]], loss="categorical_crossentropy", epochs=1)


@pytest.mark.parametrize("value,kwargs,message", [
    (0, dict(low=1, whole=True), "n must be a positive integer, but got 0."),
    (2.5, dict(low=1, whole=True), "n must be a positive integer, but got 2.5."),
    (True, dict(low=1, whole=True), "n must be a positive integer, but got True."),
    (0, dict(low=0, low_open=True), "n must be a positive finite number, but got 0."),
    (float("inf"), dict(low=0), "n must be a finite number >= 0, but got inf."),
    (1.0, dict(low=0, high=1, high_open=True, noun="a fraction"),
     "n must be a fraction in [0, 1), but got 1.0."),
    (0, dict(low=0, high=1, low_open=True, noun="a number"),
     "n must be a number in (0, 1], but got 0."),
    ("3", dict(low=0, whole=True), "n must be a whole number >= 0, but got '3'."),
])
def test_check_range_refuses_with_one_kind_of_sentence(value, kwargs, message):
    from glassnet.validation import check_range

    with pytest.raises(ValueError) as info:
        check_range(value, "n", **kwargs)
    assert str(info.value) == message


def test_check_range_and_check_choice_return_clean_values():
    from glassnet.validation import check_choice, check_range

    assert check_range(np.int64(3), "n", 1, whole=True) == 3
    assert type(check_range(np.float32(0.5), "f", 0, 1)) is float
    assert check_range(None, "n", 1, allow_none=True) is None
    assert check_choice("min", "mode", ("min", "max")) == "min"
    with pytest.raises(ValueError, match="mode must be 'min' or 'max', but got 'mean'."):
        check_choice("mean", "mode", ("min", "max"))
