"""The playground page in headless Chromium (Debian's ``chromium``, driven by Playwright),
against a real server: what the page shows is what the engine holds."""

import json
import time

import numpy as np
import pytest
from pg_server_helpers import SEED, api_state, request, running

from glassnet.glassbox import playground

FULL_HASH = ("activation=relu&batchSize=7&dataset=xor&regDataset=reg-plane&learningRate=0.1"
             "&regularizationRate=0.001&noise=10&networkShape=3,2&seed=0.12345&showTestData=true"
             "&discretize=true&percTrainData=60&x=true&y=true&xTimesY=true&xSquared=false"
             "&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=true&collectStats=false"
             "&problem=classification&initZero=false&hideText=false&regularization=L2")


@pytest.fixture()
def server():
    with running() as s:
        yield s


def open_page(browser, server, hash_=""):
    page = browser.new_page(viewport={"width": 1300, "height": 950})
    page.problems, page.requests = [], []
    page.on("console", lambda m: page.problems.append(m.text)
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(f"http://127.0.0.1:{server.port}/" + (f"#{hash_}" if hash_ else ""))
    # (the page's CSP forbids eval, so Playwright's wait_for_function cannot poll it)
    wait_until(lambda: page.evaluate("window.glassnetPlayground?.redraws > 0"))
    return page


def click_link(page, k, i, j):
    """Click the link k:i→j where a user would: at a point of its curve that no other
    link covers."""
    point = page.evaluate("""([k, i, j]) => {
        const path = document.querySelector(
            `path.link-hover[data-layer="${k}"][data-i="${i}"][data-j="${j}"]`);
        const box = path.ownerSVGElement.getBoundingClientRect();
        for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
            const p = path.getPointAtLength(path.getTotalLength() * f);
            const x = box.left + p.x, y = box.top + p.y;
            if (document.elementFromPoint(x, y) === path) return [x, y];
        }
        return null;
    }""", [k, i, j])
    assert point is not None, "no visible point on that link"
    page.mouse.click(*point)


def shown_epoch(page) -> int:
    return int(page.inner_text("#iter-number").replace(",", ""))


def wait_until(condition, timeout=60.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def settle(page, server):
    """Wait until the page shows the server's epoch (the last frame has arrived)."""
    wait_until(lambda: shown_epoch(page) == api_state(server)["epoch"])


def test_the_page_loads_offline_with_no_console_errors(browser, server):
    page = open_page(browser, server)
    assert page.title() == "glassnet playground"
    assert page.locator("path.link-hover").count() == 2 * 4 + 4 * 2 + 2 * 1
    assert page.locator("div.node.input").count() == 7  # Playground's seven inputs
    assert page.locator("div.node.input.inactive").count() == 5
    assert page.inner_text("#loss-train") == f"{api_state(server)['loss_train']:.3f}"
    base = f"http://127.0.0.1:{server.port}/"
    assert all(url.startswith((base, "ws://127.0.0.1", "data:")) for url in page.requests), \
        page.requests
    assert page.problems == []
    page.click("#next-step-button")
    with page.expect_popup() as popup:  # the step view: the trace report, under its own CSP
        page.click("#step-view")
    report = popup.value
    report.wait_for_load_state("load")
    report.locator("#step-2 table.result td[data-k]").first.hover()  # its inline script runs:
    assert report.locator("td.src").count() > 0  # hovering a cell lights its sources
    report.close()
    assert page.problems == []
    page.close()


def test_play_trains_pause_stops_step_is_one_epoch_reset_restarts(browser, server):
    page = open_page(browser, server, SEED[1:])
    first = api_state(server)
    page.click("#play-pause-button")
    wait_until(lambda: api_state(server)["epoch"] >= 40)
    page.click("#play-pause-button")
    wait_until(lambda: not api_state(server)["playing"])
    paused = api_state(server)
    assert paused["loss_train"] < first["loss_train"] / 5  # the circle is learned
    assert paused["layers"][0]["W"] != first["layers"][0]["W"]
    time.sleep(0.5)
    assert api_state(server)["epoch"] == paused["epoch"]  # paused: nothing moves
    settle(page, server)
    assert shown_epoch(page) == paused["epoch"]
    assert page.inner_text("#loss-train") == f"{paused['loss_train']:.3f}"

    page.click("#next-step-button")
    wait_until(lambda: api_state(server)["epoch"] != paused["epoch"])
    time.sleep(0.3)
    assert api_state(server)["epoch"] == paused["epoch"] + 1
    settle(page, server)

    page.click("#reset-button")
    wait_until(lambda: api_state(server)["epoch"] == 0)
    settle(page, server)
    assert page.inner_text("#iter-number") == "000,000"
    assert api_state(server)["layers"][0]["W"] != first["layers"][0]["W"]  # the stream goes on
    assert page.problems == []
    page.close()


def test_the_learning_rate_changes_while_playing(browser, server):
    page = open_page(browser, server, SEED[1:])
    page.click("#play-pause-button")
    wait_until(lambda: api_state(server)["epoch"] >= 5)
    page.select_option("#learningRate", "0.3")
    wait_until(lambda: api_state(server)["config"]["learningRate"] == 0.3)
    changed_at = api_state(server)["epoch"]
    wait_until(lambda: api_state(server)["epoch"] >= changed_at + 3)
    state = api_state(server)
    assert state["playing"] is True  # Playground does not reset for a learning rate
    assert "learningRate=0.3&" in page.evaluate("location.hash")
    page.click("#play-pause-button")
    wait_until(lambda: not api_state(server)["playing"])
    click_link(page, 1, 0, 0)
    page.wait_for_selector("#inspector .num[data-sym=lr]")
    assert page.get_attribute("#inspector .num[data-sym=lr]", "data-value") == "0.3"
    page.close()


def test_a_playground_hash_opens_that_network_and_round_trips(browser, server):
    page = open_page(browser, server, FULL_HASH)
    wait_until(lambda: api_state(server)["config"]["seed"] == "0.12345")
    state = api_state(server)
    pg = playground.from_url(FULL_HASH)
    assert state["hash"] == playground.serialize(pg.state)
    assert state["features"] == ["x", "y", "xTimesY", "sinY"]
    for mine, theirs in zip(state["layers"], pg.network.layers):
        np.testing.assert_array_equal(mine["W"], theirs.W)  # the network Playground builds
    wait_until(lambda: page.locator("path.link-hover").count() == 4 * 3 + 3 * 2 + 2)
    assert page.evaluate("location.hash.slice(1)") == state["hash"]
    assert page.input_value("#batchSize") == "7" and page.input_value("#activations") == "relu"
    assert page.is_checked("#show-test-data") and page.is_checked("#discretize")
    assert page.input_value("#regularizations") == "L2"

    page.select_option("#activations", "sigmoid")  # a control writes the hash
    wait_until(lambda: "activation=sigmoid&" in page.evaluate("location.hash"))
    written = page.evaluate("location.hash.slice(1)")
    assert written == api_state(server)["hash"]
    page.close()
    with running() as other:  # the written link opens the same configuration elsewhere
        page = open_page(browser, other, written)
        wait_until(lambda: api_state(other)["hash"] == written)
        assert page.evaluate("location.hash.slice(1)") == written
        page.close()


def test_clicking_a_link_shows_its_update_equal_to_api_state(browser, server):
    page = open_page(browser, server, SEED[1:])
    for _ in range(3):
        page.click("#next-step-button")
        time.sleep(0.1)
    wait_until(lambda: api_state(server)["epoch"] == 3)
    settle(page, server)
    click_link(page, 0, 1, 2)
    page.wait_for_selector("#inspector .num[data-sym=w_after]")
    state = api_state(server)
    w = state["layers"][0]["W"][1][2]
    value = lambda sym: float(page.get_attribute(f"#inspector .num[data-sym={sym}]", "data-value"))  # noqa: E731
    assert value("weight") == w and value("w_after") == w
    assert value("lr") == state["config"]["learningRate"] and value("B") == 10
    text = page.inner_text("#inspector")
    assert "w ← w − η · (1/B) · Σ δ·a_prev − η · λ · R′(w)" in text
    assert f"{w:.4g}"[:5] in text

    page.fill("#edit-value", "0.625")  # click to edit: the engine's weight changes
    page.click("#edit-set")
    wait_until(lambda: api_state(server)["layers"][0]["W"][1][2] == 0.625)
    page.click("div.node[data-node='1:2'] .bias", force=True)
    page.wait_for_selector("#inspector .num[data-sym=b_after]")
    assert float(page.get_attribute("#inspector .num[data-sym=bias]", "data-value")) == \
        api_state(server)["layers"][0]["b"][2]
    assert page.problems == []
    page.close()


def test_neurons_show_their_heatmap_and_their_numbers(browser, server):
    page = open_page(browser, server, SEED[1:])
    page.hover("div.node[data-node='1:1']")
    wait_until(lambda: page.evaluate("window.glassnetPlayground.frame.selected") == "1:1")
    assert page.inner_text("#heatmap-label").startswith("Node h1,2")
    page.click("div.node[data-node='2:0']")
    page.wait_for_selector("#inspector table.values")
    tables = page.locator("#inspector table.values")
    assert tables.nth(0).locator("tr").count() == 1 + 10  # the batch of 10
    assert tables.nth(1).locator("tr").count() == 1 + 3  # every layer's statistics
    neuron = json.loads(request(server, "/api/neuron?node=2:0")[2])
    cells = tables.nth(0).locator("tr").nth(1).locator("td")
    for column, key in ((4, "z"), (5, "a"), (6, "delta")):  # 4 significant digits shown
        assert float(cells.nth(column).inner_text()) == pytest.approx(neuron["rows"][0][key],
                                                                      rel=1e-3)
    page.click("#add-layers")
    wait_until(lambda: api_state(server)["config"]["networkShape"] == [4, 2, 2])
    page.click(".plus-minus[data-layer='0'] button[title='Add a neuron']")
    wait_until(lambda: api_state(server)["config"]["networkShape"] == [5, 2, 2])
    page.click("div.node.input[data-feature='xSquared']")
    wait_until(lambda: api_state(server)["features"] == ["x", "y", "xSquared"])
    wait_until(lambda: page.locator("path.link-hover").count() == 3 * 5 + 5 * 2 + 2 * 2 + 2)
    assert page.problems == []
    page.close()
