"""Networks that cannot fit in memory are refused up front, with the estimate."""

import pytest

import glassnet as gn
from glassnet import resources


def test_a_trillion_parameter_layer_is_refused_with_its_size():
    with pytest.raises(MemoryError) as err:
        gn.Network([gn.Dense(10**6, 10**6)])
    message = str(err.value)
    assert "1,000,001,000,000 parameters" in message
    assert "would need about 29.1 TiB" in message
    assert "of memory is available" in message


def test_an_ordinary_network_is_accepted():
    net = gn.Network([gn.Dense(784, 512), gn.Dense(512, 10)], dtype="float32")
    assert net.n_params == 784 * 512 + 512 + 512 * 10 + 10


def test_check_fits_uses_the_reported_memory(monkeypatch):
    monkeypatch.setattr(resources, "available_bytes", lambda: 2**30)
    resources.check_fits(2**29, "half of it", "")
    with pytest.raises(MemoryError, match=r"twice it would need about 2.0 GiB.*1.0 GiB"):
        resources.check_fits(2**31, "twice it", "Try less.")
    monkeypatch.setattr(resources, "available_bytes", lambda: None)
    resources.check_fits(2**60, "unknown budget", "")  # nothing to compare with: allowed


def test_format_bytes():
    assert resources.format_bytes(512) == "512 B"
    assert resources.format_bytes(1536) == "1.5 KiB"
    assert resources.format_bytes(3 * 2**40) == "3.0 TiB"
