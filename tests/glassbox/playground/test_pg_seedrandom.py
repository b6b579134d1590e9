"""seedrandom's ARC4 against the vectors seedrandom itself publishes (README.md and
test/*.js of davidbau/seedrandom 2.4.4, the version TensorFlow Playground bundles)."""

import pytest

from glassnet.glassbox.playground.seedrandom import SeedRandom, mix_key


def test_hello_vectors_from_the_readme_and_nodetest():
    rng = SeedRandom("hello.")
    assert rng.random() == 0.9282578795792454  # "Should be 'hello.'#1"
    assert rng.random() == 0.3752569768646784  # "Should be 'hello.'#2"


def test_quick_and_int32_vectors_from_options_html():
    rng = SeedRandom("hello.")
    assert rng.random() == 0.9282578795792454
    assert rng.quick() == 0.3752569768112153  # "Should be quick #1.1"
    assert rng.int32() == 986220731  # "Should be int32 #1.2"


def test_a_256_byte_seed_from_cryptotest():
    # cryptotest.js: autoseeding from crypto bytes that are all 1 seeds with 256 × '\x01'
    rng = SeedRandom("\x01" * 256)
    assert rng.random() == 0.7220382488550928  # "Should be '\\1'#1"
    assert rng.random() == 0.0259971860493045  # "Should be '\\1'#2"


def test_a_seed_longer_than_256_characters_folds_into_the_key():
    key = mix_key("ab" * 200)
    assert len(key) == 256 and all(0 <= k < 256 for k in key)
    assert SeedRandom("ab" * 200).random() != SeedRandom("ab" * 128).random()


def test_characters_are_utf16_code_units_as_charCodeAt_gives_them():
    assert mix_key("A") == [65]
    assert len(mix_key("\U0001F600")) == 2  # one astral character is two code units


def test_doubles_lie_in_the_unit_interval_and_use_all_53_bits():
    rng = SeedRandom("0.59454")
    values = [rng.random() for _ in range(2000)]
    assert all(0 <= v < 1 for v in values)
    assert any((v * 2**53) % 2 == 1 for v in values)  # odd numerators: the last bit is random


def test_the_same_seed_gives_the_same_stream_and_another_seed_another():
    a, b, c = SeedRandom("0.5"), SeedRandom("0.5"), SeedRandom("0.50")
    first = [a.random() for _ in range(5)]
    assert first == [b.random() for _ in range(5)]
    assert first != [c.random() for _ in range(5)]


def test_a_seed_that_is_not_a_string_is_refused_with_a_sentence():
    with pytest.raises(TypeError, match="must be a string"):
        SeedRandom(0.59454)
