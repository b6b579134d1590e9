"""The HTML report of a conv / pooling / RNN / LSTM trace, opened in headless Chromium
(Debian's ``chromium``, driven by Playwright): hovering a cell lights up exactly the
cells it was computed from, and the numbers on the page are the engine's."""

import numpy as np
import pytest

import glassnet as gn
from chromium import open_file as open_page
from htmlcheck import check_html

rng = np.random.default_rng(1515)


def highlighted(page):
    src = page.eval_on_selector_all("td.src", "els => els.map(e => e.dataset.k)")
    active = page.eval_on_selector_all("td.active", "els => els.map(e => e.dataset.k)")
    return sorted(src), active


def shown(page, name):
    """Every cell of table ``name`` on the page, at the full precision of its title."""
    cells = page.eval_on_selector_all(
        f'td[data-k^="{name}:"]', "els => els.map(e => [e.dataset.k, Number(e.title)])")
    out = {}
    for key, value in cells:
        _, i, j = key.rsplit(":", 2)
        out[int(i), int(j)] = value
    return out


def assert_page_equals(page, name, expected):
    cells = shown(page, name)
    assert len(cells) == np.count_nonzero(~np.isnan(expected))
    for (i, j), value in cells.items():
        assert value == pytest.approx(expected[i, j], rel=1e-9, abs=1e-12), (name, i, j)


def conv_net():
    net = gn.Network([gn.Conv2D(2, 3, 3, padding=1, activation="relu"), gn.MaxPool2D(2),
                      gn.Flatten(), gn.Dense(3 * 2 * 2, 2, activation="linear")], seed=4)
    X, y = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((2, 2))
    return net, X, y


def test_hovering_a_conv_output_cell_lights_its_patch_kernel_and_bias(browser, tmp_path):
    net, X, y = conv_net()
    tr = net.trace(X, y, loss="mse", cell=(1, 2, 1, 3))
    path = tr.to_html(tmp_path / "conv.html")
    check_html((tmp_path / "conv.html").read_text(encoding="utf-8"))  # balanced, self-contained
    assert path == str(tmp_path / "conv.html")
    page, problems, requests = open_page(browser, tmp_path / "conv.html")
    conv = net.layers[0]
    # z[1, 2, 1, 3] reads padded rows 1…3, columns 3…5 of image 1, both channels
    page.locator('td[data-k="layer1_z:1:3"]').hover()
    Hp = 6  # 4 + 2 rows of padding
    patch = [f"layer1_input:{(1 * 2 + c) * Hp + r}:{col}" for c in range(2) for r in (1, 2, 3)
             for col in (3, 4, 5)]
    kernel = [f"layer1_kernel:{r}:{c}" for r in range(6) for c in range(3)]
    assert highlighted(page) == (sorted(patch + kernel + ["layer1_b:0:2"]), ["layer1_z:1:3"])
    assert "computed from 37 cell(s)" in page.locator("#layer-1 .status").inner_text()
    colour = page.locator('td[data-k="layer1_kernel:0:0"]').evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 152, 0)"  # orange
    # the numbers are the engine's: the map z[1, 2], the kernel W[2], the input, im2col
    assert_page_equals(page, "layer1_z", conv.z[1, 2])
    assert_page_equals(page, "layer1_a", conv.a[1, 2])
    assert_page_equals(page, "layer1_kernel", conv.W[2].reshape(6, 3))
    padded = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1))).reshape(2 * 2 * Hp, 6)
    assert_page_equals(page, "layer1_input", padded)
    assert_page_equals(page, "layer1_im2col", conv.cols)
    # the chosen cell: Σ patch ⊙ kernel ← the products; a patch cell ← its input cell
    page.locator('td[data-k="layer1_cell:0:0"]').hover()
    assert len(highlighted(page)[0]) == 18
    page.locator('td[data-k="layer1_patch:4:0"]').click()  # channel 1, u = 1, v = 0
    assert highlighted(page)[0] == [f"layer1_input:{(1 * 2 + 1) * Hp + 2}:3"]
    z = shown(page, "layer1_cell")
    assert z[0, 2] == pytest.approx(z[0, 3], rel=1e-9) == conv.z[1, 2, 1, 3]
    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


def test_hovering_a_pooling_window_lights_the_window_and_its_winner(browser, tmp_path):
    net, X, y = conv_net()
    tr = net.trace(X, y, loss="mse")
    tr.to_html(tmp_path / "pool.html")
    page, problems, _ = open_page(browser, tmp_path / "pool.html")
    pool = net.layers[1]
    window = 5  # n0, c1, window (0, 1): rows 0…1, columns 2…3 of plane (0, 1)
    page.locator(f'td[data-k="layer2_windows:{window}:0"]').hover()
    cells = [f"layer2_input:{4 + r}:{c}" for r in (0, 1) for c in (2, 3)]
    assert highlighted(page) == (sorted(cells), [f"layer2_windows:{window}:0"])
    page.locator(f'td[data-k="layer2_windows:{window}:1"]').hover()
    (winner,), _ = highlighted(page)
    _, r, c = winner.split(":")
    values = shown(page, "layer2_input")
    assert values[int(r), int(c)] == shown(page, "layer2_windows")[window, 0]
    assert pool.a[0, 1, 0, 1] == pool.x[0, 1, :2, 2:].max()
    assert values[int(r), int(c)] == pytest.approx(pool.a[0, 1, 0, 1], rel=1e-9)
    assert_page_equals(page, "layer2_windows", tr["layer2_windows"])
    assert problems == []


def test_lstm_and_rnn_time_blocks_light_up_and_bptt_runs_right_to_left(browser, tmp_path):
    net = gn.Network([gn.LSTM(2, 3, return_sequences=True), gn.RNN(3, 2)], seed=5)
    X, y = rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 2))
    tr = net.trace(X, y, loss="mse")
    tr.to_html(tmp_path / "rnn.html")
    page, problems, _ = open_page(browser, tmp_path / "rnn.html")
    page.locator('td[data-k="layer1_t3:7:1"]').hover()  # c_3, unit 1 ← f, c_2, i, g
    assert highlighted(page) == (
        ["layer1_t3:2:1", "layer1_t3:3:1", "layer1_t3:4:1", "layer1_t3:6:1"], ["layer1_t3:7:1"])
    page.locator('td[data-k="layer2_t2:1:0"]').hover()  # h_1 carried into step 2
    assert highlighted(page) == (["layer2_t1:3:0"], ["layer2_t2:1:0"])
    page.locator('td[data-k="layer2_bptt_t2:1:1"]').hover()  # δ_2 ← dL/dh_2, z_2, h_2
    assert highlighted(page)[0] == ["layer2_bptt_t2:0:1", "layer2_t2:2:1", "layer2_t2:3:1"]
    lstm, rnn = net.layers
    for t in range(1, 5):
        assert_page_equals(page, f"layer1_t{t}", tr[f"layer1_t{t}"])
        assert_page_equals(page, f"layer1_bptt_t{t}", tr[f"layer1_bptt_t{t}"])
    np.testing.assert_allclose([shown(page, "layer1_t4")[8, u] for u in range(3)],
                               lstm.h[0, 3], rtol=1e-9)
    np.testing.assert_allclose([shown(page, "layer2_t4")[3, u] for u in range(2)],
                               net.predict(X)[0], rtol=1e-9)
    # time runs left to right in one row (BPTT's blocks under their steps, t = T on the
    # right, computed first), scrolling sideways rather than wrapping
    for kind in ("t", "bptt_t"):
        x_of = [page.locator(f'td[data-k="layer2_{kind}{t}:0:0"]').bounding_box()
                for t in range(1, 5)]
        assert x_of[0]["x"] < x_of[1]["x"] < x_of[2]["x"] < x_of[3]["x"]
        assert len({round(box["y"]) for box in x_of}) == 1
    assert page.locator('td[data-k="layer2_t1:0:2"]').count() == 1  # x_t has 3 values,
    assert page.locator('td[data-k="layer2_t1:1:2"]').count() == 0  # h_{t−1} 2: a blank
    assert problems == []
