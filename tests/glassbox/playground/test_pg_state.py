"""Playground's URL hash: its names, values and defaults (src/state.ts)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.glassbox.playground.state import (
    ACTIVATIONS,
    DATASETS,
    PROBLEMS,
    REG_DATASETS,
    REGULARIZATIONS,
    State,
    js_number,
    js_string,
    parse,
    serialize,
    to_fixed,
)

ISSUE_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&"
    "regularizationRate=0&noise=0&networkShape=4,2&seed=0.59454&showTestData=false&"
    "discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&"
    "ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&"
    "problem=classification&initZero=false&hideText=false"
)


def test_the_issue_example_url_parses_and_serializes_back_character_for_character():
    state = parse("https://playground.tensorflow.org/#" + ISSUE_HASH)
    assert state.activation == "tanh" and state.batchSize == 10
    assert state.learningRate == 0.03 and state.networkShape == [4, 2]
    assert state.seed == "0.59454" and state.regularization == "none"
    assert serialize(state) == ISSUE_HASH


def test_an_empty_hash_gives_playground_defaults():
    state = parse("https://playground.tensorflow.org/")
    assert state == State()
    assert (state.percTrainData, state.noise, state.batchSize) == (50, 0, 10)
    assert (state.x, state.y, state.sinX) == (True, True, False)
    assert state.seed is None and state.tutorial is None


def test_round_trip_of_a_state_with_every_kind_of_value():
    state = State(
        activation="relu", regularization="L1", batchSize=7, dataset="spiral",
        regDataset="reg-gauss", learningRate=0.00001, regularizationRate=0.003, noise=35,
        networkShape=[8, 8, 3, 1, 2, 5], seed="abc", showTestData=True, discretize=True,
        percTrainData=70, x=False, sinY=True, cosX=True, tutorial="dp-reducing-loss",
        problem="regression", initZero=True, hideText=True,
        hidden={"x_hide": True, "learningRate_hide": False},
    )
    text = serialize(state)
    assert "learningRate=0.00001" in text and "regularization=L1" in text
    assert text.endswith("&x_hide=true&learningRate_hide=false")
    assert parse(text) == state
    assert serialize(parse(text)) == text


def test_regularization_none_is_not_written_as_playground_skips_null():
    assert "regularization=" not in serialize(parse("regularization=none"))
    assert parse("regularization=L2").regularization == "L2"


def test_no_hidden_layers_round_trip():
    state = parse("networkShape=&seed=1")
    assert state.networkShape == []
    assert "networkShape=&" in serialize(state)


def test_values_read_as_javascript_reads_them():
    state = parse("x=0&y=false&showTestData=yes&batchSize= 3 &noise=&activation=swish")
    assert state.x is True  # anything but "false" is true
    assert state.y is False and state.showTestData is True
    assert state.activation == "tanh"  # an unknown name keeps the default
    assert state.noise == 0  # an empty value keeps the default
    assert state.batchSize == 3  # +" 3 " is 3
    with pytest.raises(ValueError, match="batchSize=%203 in the URL is not a number"):
        parse("batchSize=%203")  # nothing is URL-decoded, as in Playground


def test_hide_flags_are_true_only_for_true_and_unknown_names_are_dropped():
    state = parse("x_hide=true&noise_hide=1&foo=bar")
    assert state.hidden == {"x_hide": True, "noise_hide": False}
    assert state.is_hidden("x") and not state.is_hidden("noise")
    assert "foo" not in serialize(state)


def test_a_bare_hash_and_a_leading_hash_sign_read_the_same():
    assert parse("#seed=2&noise=5") == parse("seed=2&noise=5") == parse("http://h/#seed=2&noise=5")


def test_a_malformed_network_shape_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="networkShape=4,,2 .* '' is not one"):
        parse("networkShape=4,,2")
    with pytest.raises(ValueError, match="whole numbers"):
        parse("networkShape=2.5")


@pytest.mark.parametrize("text, value", [
    ("0.03", 0.03), (" 10 ", 10.0), ("1e-5", 1e-5), (".5", 0.5), ("5.", 5.0), ("0x1F", 31.0),
    ("-Infinity", float("-inf")), ("", 0.0),
])
def test_js_number(text, value):
    assert js_number(text) == value


@pytest.mark.parametrize("text", ["abc", "1_000", "inf", "nan", "0x", "1e", "--1"])
def test_js_number_gives_nan_where_javascript_does(text):
    assert js_number(text) != js_number(text)


@pytest.mark.parametrize("value, text", [
    (0.03, "0.03"), (10, "10"), (0.00001, "0.00001"), (1e-7, "1e-7"), (1e21, "1e+21"),
    (123456789012345680000.0, "123456789012345680000"), (-1.5, "-1.5"), (0.0, "0"),
    (2.5e-6, "0.0000025"), (1.2345e-7, "1.2345e-7"), (10.0, "10"),
])
def test_js_string(value, text):
    assert js_string(value) == text


def test_to_fixed_rounds_the_exact_binary_value_half_up():
    assert to_fixed(0.59454) == "0.59454"
    assert to_fixed(0.123455) == "0.12345"  # 0.123455 is stored as 0.12345499999…
    assert to_fixed(0.5) == "0.50000"


NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.floats(min_value=1e-9, max_value=1e6, allow_nan=False),
    st.sampled_from([0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]),
)
URL_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="&=#", blacklist_categories=("Cs",)),
    min_size=1, max_size=12,
).filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None)
@given(
    choices=st.tuples(*(st.sampled_from(c) for c in (
        ACTIVATIONS, REGULARIZATIONS, DATASETS, REG_DATASETS, PROBLEMS))),
    numbers=st.tuples(*[NUMBERS] * 5),
    shape=st.lists(st.integers(min_value=1, max_value=12), max_size=7),
    flags=st.lists(st.booleans(), min_size=14, max_size=14),
    seed=URL_TEXT,
    tutorial=st.none() | URL_TEXT,
    hidden=st.dictionaries(st.sampled_from(["x", "noise", "playButton", "dataset"]),
                           st.booleans()),
)
def test_parse_of_serialize_is_the_state(choices, numbers, shape, flags, seed, tutorial, hidden):
    booleans = ["showTestData", "discretize", "x", "y", "xTimesY", "xSquared", "ySquared",
                "cosX", "sinX", "cosY", "sinY", "collectStats", "initZero", "hideText"]
    state = State(
        **dict(zip(["activation", "regularization", "dataset", "regDataset", "problem"], choices)),
        **dict(zip(["batchSize", "learningRate", "regularizationRate", "noise", "percTrainData"],
                   numbers)),
        networkShape=shape, seed=seed, tutorial=tutorial, **dict(zip(booleans, flags)),
        hidden={name + "_hide": flag for name, flag in hidden.items()},
    )
    text = serialize(state)
    assert parse(text) == state
    assert serialize(parse(text)) == text
