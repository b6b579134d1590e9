"""The HTML report, opened in headless Chromium (Debian's ``chromium``, driven by Playwright)."""

import base64
import re
import struct
import zlib

import numpy as np

import glassnet as gn
from chromium import open_file as open_page
from glassnet.tutorials import RAY_PRINTED_WEIGHTS, RAY_X, RAY_Y


def ray_trace():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
    w = RAY_PRINTED_WEIGHTS
    net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
    net.fit(RAY_X, RAY_Y, epochs=40, lr=0.5, loss="half_sse")
    return net.trace(RAY_X, RAY_Y, lr=0.1)


def highlighted(page):
    src = page.eval_on_selector_all("td.src", "els => els.map(e => e.dataset.k)")
    active = page.eval_on_selector_all("td.active", "els => els.map(e => e.dataset.k)")
    return sorted(src), active


def test_hovering_a_cell_highlights_exactly_its_source_cells(browser, tmp_path):
    path = tmp_path / "ray.html"
    ray_trace().to_html(path)
    page, problems, requests = open_page(browser, path)
    page.locator('#step-2 table.result td[data-k="hidden_layer_input:1:2"]').hover()
    assert highlighted(page) == (
        ["X:1:0", "X:1:1", "X:1:2", "X:1:3", "bh:0:2", "wh:0:2", "wh:1:2", "wh:2:2", "wh:3:2"],
        ["hidden_layer_input:1:2"],
    )
    assert "computed from 9 cell(s)" in page.locator("#step-2 .status").inner_text()

    page.locator('#step-8 table.result td[data-k="Error_at_hidden_layer:0:1"]').hover()
    assert highlighted(page) == (["d_output:0:0", "wout:1:0"], ["Error_at_hidden_layer:0:1"])
    assert page.locator("#step-2 td.src").count() == 0  # the earlier highlight is gone

    page.locator('#step-11 table.result td[data-k="bh_updated:0:0"]').click()
    assert highlighted(page) == (
        ["bh:0:0", "d_hiddenlayer:0:0", "d_hiddenlayer:1:0", "d_hiddenlayer:2:0"],
        ["bh_updated:0:0"],
    )
    colour = page.locator('#step-11 td[data-k="bh:0:0"]').evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 152, 0)"  # orange
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 20_000
    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


def test_report_shows_every_step_its_equation_and_the_network(browser, tmp_path):
    tr = ray_trace()
    path = tmp_path / "ray.html"
    tr.to_html(path)
    page, problems, _ = open_page(browser, path)
    titles = page.locator("section.step h2").all_inner_texts()
    assert [t.split(":")[0] for t in titles] == [f"Step {n}" for n in range(12)]
    assert "E = y − output" in page.locator("#step-5 code.eq").inner_text()
    assert page.locator('#step-4 table.result td[data-k="output:2:0"]').inner_text() == (
        f"{tr['output'][2, 0]:.2f}")
    assert page.locator("svg.network circle").count() == 4 + 3 + 1
    assert page.locator("svg.network line").count() == 4 * 3 + 3 * 1
    points = page.locator("svg.loss polyline").get_attribute("points").split()
    assert len(points) == 40  # one per epoch of net.history
    assert page.locator("svg.boundary").count() == 0  # 4 inputs: no plane to draw
    assert problems == []
    text = path.read_text()
    assert not re.search(r"(src|href)=\"https?:", text)
    assert list(tmp_path.iterdir()) == [path]  # written atomically, no temporary left


def decode_png(uri):
    data = base64.b64decode(uri.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 1 + 3 * w)
    assert (raw[:, 0] == 0).all()  # filter type "none" on every row
    return raw[:, 1:].reshape(h, w, 3).astype(int)


def test_two_input_report_draws_the_decision_boundary(browser, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 2))
    y = (X[:, 0] > 0).astype(float)  # class 1 on the right
    net = gn.Network([gn.Dense(2, 4, "tanh"), gn.Dense(4, 1)], seed=1)
    net.fit(X, y, epochs=300, lr=1.0, loss="binary_crossentropy")
    path = tmp_path / "plane.html"
    net.trace(X, y, loss="binary_crossentropy").to_html(path)
    page, problems, _ = open_page(browser, path)
    assert page.locator("svg.boundary circle").count() == 80
    img = decode_png(page.locator("svg.boundary image").get_attribute("href"))
    redness = img[:, :, 0] - img[:, :, 2]  # class 1 is drawn red, class 0 blue
    left, right = redness[:, :40].mean(), redness[:, -40:].mean()
    assert right > 20 and left < -20, (left, right)
    page.locator("svg.boundary").screenshot(path=str(tmp_path / "boundary.png"))
    assert problems == []


def test_multiclass_deep_report_opens_cleanly(browser, tmp_path):
    rng = np.random.default_rng(3)
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
    labels = np.repeat([0, 1, 2], 20)
    X = centres[labels] + rng.normal(scale=0.4, size=(60, 2))
    net = gn.Network([gn.Dense(2, 16, "relu"), gn.Dense(16, 5, "tanh"),
                      gn.Dense(5, 3, "softmax")], seed=2)
    net.fit(X, labels, epochs=200, lr=0.5, loss="categorical_crossentropy")
    path = tmp_path / "blobs.html"
    net.trace(X, labels, loss="categorical_crossentropy").to_html(path, max_rows=5)
    page, problems, _ = open_page(browser, path)
    assert page.locator("section.step").count() == 16
    assert "fused pair" in page.locator("#step-7").inner_text()
    assert page.locator("#step-0 table.result tr").count() == 5 + 5  # X and y, 5 rows each
    assert "… 55 more rows" in page.locator("#step-0").inner_text()
    assert page.locator("svg.network circle").count() == 2 + 12 + 5 + 3  # 16 shown as 12
    img = decode_png(page.locator("svg.boundary image").get_attribute("href"))
    colours = {tuple(c) for c in img.reshape(-1, 3)}
    assert len(colours) == 3  # one tint per predicted class
    page.locator('#step-11 table.result td[data-k="d_layer2:0:0"]').hover()
    assert highlighted(page)[1] == ["d_layer2:0:0"]
    assert problems == []
