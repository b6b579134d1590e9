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


def _tiny_memory(monkeypatch, n_bytes):
    monkeypatch.setattr(resources, "MIN_BUDGET_BYTES", 0)
    monkeypatch.setattr(resources, "available_bytes", lambda: n_bytes)


def test_a_training_batch_too_big_for_memory_is_refused_with_a_size_that_fits(monkeypatch):
    import numpy as np

    net = gn.Network([gn.Dense(10, 100, "tanh"), gn.Dense(100, 1)], seed=0)
    X, y = np.ones((1000, 10)), np.zeros(1000)
    before = net.params.copy()
    # 4 numbers (x, z, a, δ) × 101 units × 8 bytes = 3,232 bytes per row; 1 MiB holds 324
    _tiny_memory(monkeypatch, 2**20)
    for batch_size in (None, 500):
        with pytest.raises(MemoryError) as err:
            net.fit(X, y, epochs=1, batch_size=batch_size)
        message = str(err.value)
        rows = 1000 if batch_size is None else 500
        assert f"A training batch of {rows:,} rows (404 float64 numbers per row" in message
        assert f"would need about {rows * 3232 / 2**20:.1f} MiB" in message
        assert "only 1.0 MiB" in message and "about 324 rows fit" in message
    np.testing.assert_array_equal(net.params, before)  # refused before any work
    history = net.fit(X, y, epochs=1, batch_size=324)
    assert len(history.loss) == 1 and np.isfinite(net.params).all()
    # shuffled batches are also copied out of X and y: 11 more numbers per row
    with pytest.raises(MemoryError, match="415 float64 numbers per row"):
        net.fit(X, y, epochs=1, batch_size=324, shuffle=True)
    assert net.predict(X).shape == (1000, 1)  # predict works through chunks


def test_the_batch_guard_follows_the_dtype(monkeypatch):
    import numpy as np

    net = gn.Network([gn.Dense(10, 100, "tanh"), gn.Dense(100, 1)], seed=0, dtype="float32")
    _tiny_memory(monkeypatch, 2**20)
    net.fit(np.ones((500, 10)), np.zeros(500), epochs=1)  # 500 × 1,616 bytes < 1 MiB
    with pytest.raises(MemoryError, match="float32 numbers per row"):
        net.fit(np.ones((700, 10)), np.zeros(700), epochs=1)


def test_training_allocates_no_input_gradient_for_the_first_layer():
    """Nobody needs dL/dX: a one-layer network (a fused softmax output that is also
    the first layer) must not allocate an array the size of X for it."""
    import tracemalloc

    import numpy as np

    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(2000, 500)), rng.integers(0, 3, size=2000)
    net = gn.Network([gn.Dense(500, 3, "softmax")], seed=0)
    tracemalloc.start()  # from before the first fit: its work arrays are made there
    try:
        net.fit(X, labels, epochs=2, loss="categorical_crossentropy")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 4, f"peak {peak:,} bytes against X's {X.nbytes:,}"
