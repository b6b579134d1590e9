"""The notebook widget: driven by the same Session in a real Jupyter kernel (nbclient), and
its ES module drawing in headless Chromium against a minimal anywidget model."""

import base64
import json

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbclient.util import run_sync
from pg_server_helpers import SEED

from glassnet.glassbox import playground
from glassnet.glassbox.playground.session import Session
from glassnet.glassbox.playground.widget import STATIC, Playground, widget_esm
from tools.test_notebook import kernel_of_this_python  # noqa: F401  (the fixture)

CREATE = f"""
import json, glassnet as gn
w = gn.playground.Playground({SEED!r})
w
"""
READ = """
print(json.dumps({"epoch": w.session.pg.epoch, "synced": w.frame["epoch"],
                  "W": [layer.W.tolist() for layer in w.session.pg.layers]}))
"""


def front_end_message(client, comm_id, content):
    """What the page's model.send(content) puts on the kernel's shell channel."""
    msg = client.kc.session.msg("comm_msg", {"comm_id": comm_id,
                                             "data": {"method": "custom", "content": content}})
    client.kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def synced_update(client, parent_id, timeout=30):
    """The widget's state update the kernel sends on iopub in answer to ``parent_id``."""
    while True:
        msg = run_sync(client.kc.get_iopub_msg)(timeout=timeout)
        if (msg["msg_type"] == "comm_msg" and msg["parent_header"].get("msg_id") == parent_id
                and msg["content"]["data"].get("method") == "update"
                and "frame" in msg["content"]["data"]["state"]):
            return msg["content"]["data"]["state"]


def test_a_front_end_step_advances_the_engine_in_a_real_kernel(tmp_path, kernel_of_this_python):  # noqa: F811
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CREATE),
                                         nbformat.v4.new_code_cell(READ)])
    client = NotebookClient(nb, kernel_name=kernel_of_this_python, timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        [view] = [o for o in nb.cells[0].outputs if o.output_type == "execute_result"]
        comm_id = view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
        state = synced_update(client, front_end_message(client, comm_id, {"action": "step"}))
        client.execute_cell(nb.cells[1], 1)
    got = json.loads(nb.cells[1].outputs[0]["text"])
    pg = playground.from_url(SEED)
    train_loss, _ = playground.train_epoch(pg)
    assert got["epoch"] == got["synced"] == state["frame"]["epoch"] == 1
    assert state["frame"]["loss_train"] == train_loss
    for mine, layer in zip(got["W"], pg.layers):
        np.testing.assert_array_equal(mine, layer.W)
    np.testing.assert_array_equal(state["frame"]["weights"][0], pg.layers[0].W)


def test_the_widget_is_the_session_and_refuses_in_a_sentence():
    w = Playground(SEED + "&networkShape=3")
    assert w.config["shape"] == [2, 3, 1] and w.frame["epoch"] == 0
    w._handle_custom_msg({"action": "play"}, [])
    w._handle_custom_msg({"action": "tick"}, [])
    assert w.frame["playing"] and w.frame["epoch"] == w.session.pg.epoch > 0
    w._handle_custom_msg({"action": "fly"}, [])
    assert w.error.startswith("Unknown control 'fly'")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(90, 3))
    table = Playground(X, np.array(["u", "v", "w"])[np.arange(90) % 3], url="#seed=0.2")
    assert table.config["table"]["k"] == 3 and table.frame["classmap"]
    assert "../" not in json.dumps(table.config) and STATIC.joinpath("widget.js").is_file()


HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head>
<body><div id="root"></div></body></html>"""

MOUNT = """async ([esm, config, frame]) => {
    const url = URL.createObjectURL(new Blob([esm], {type: "text/javascript"}));
    const module = await import(url);
    const data = {config, frame, error: ""}, listeners = {}, sent = [];
    const model = {
        get: (key) => data[key],
        set: (key, value) => { data[key] = value; },
        on: (event, f) => { (listeners[event] = listeners[event] || []).push(f); },
        off: (event, f) => { listeners[event] = (listeners[event] || []).filter((g) => g !== f); },
        send: (message) => sent.push(message),
        save_changes: () => {},
    };
    const change = (key, value) => {
        data[key] = value;
        (listeners["change:" + key] || []).forEach((f) => f());
    };
    window.gn = {data, listeners, sent, change};
    module.default.render({model, el: document.getElementById("root")});
}"""


def heatmap_colours(b64):
    """Playground's palette as draw.js applies it to the engine's bytes q: v = q/127.5 − 1,
    31 shades from orange (−1) through grey (0) to blue (+1)."""
    stops = np.array([[0xf5, 0x93, 0x22], [0xe8, 0xea, 0xeb], [0x08, 0x77, 0xbd]], float)

    def rgb(t):
        a, b, u = (stops[0], stops[1], t + 1) if t < 0 else (stops[1], stops[2], t)
        return np.floor(a + (b - a) * u + 0.5)  # Math.round

    shades = [rgb(2 * k / 30 - 1) for k in range(31)]
    q = np.frombuffer(base64.b64decode(b64), np.uint8)
    return np.array([shades[min(30, int((v / 127.5) / 2 * 31))] for v in q])


def link_widths(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll("line.gn-link"),
        (l) => [l.id, +l.getAttribute("stroke-width")])""")


def test_the_widgets_module_draws_the_page_from_the_model(browser):
    session = Session.from_url(SEED)
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(HOST.format(css=(STATIC / "widget.css").read_text()))
    frame = session.frame() | {"history": session.history_since(0), "history_start": 0}
    page.evaluate(MOUNT, [widget_esm(), session.config(), frame])
    assert page.locator(".gn-node").count() == 2 + 4 + 2 + 1
    assert page.inner_text(".gn-epoch") == "0"
    for key, width in link_widths(page):  # Playground's width: 1 + |w|·9/5, at most 10
        k, i, j = map(int, key.split("-")[2:])
        w = session.pg.layers[k].W[i, j]
        assert width == pytest.approx(min(10, 1 + abs(w) * 9 / 5), abs=1e-9)
    drawn = page.evaluate("""() => { const c = document.querySelector(".gn-heatmap");
        return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data); }""")
    np.testing.assert_allclose(np.array(drawn).reshape(-1, 4)[:, :3],
                               heatmap_colours(frame["heatmap"]), atol=2)  # alpha 160 rounds
    page.click(".gn-step")
    assert page.evaluate("window.gn.sent") == [{"action": "step"}]
    session.control({"action": "step"})  # what the kernel does with it, then syncs
    frame = session.frame() | {"history": session.history_since(1), "history_start": 1}
    page.evaluate("(f) => window.gn.change('frame', f)", frame)
    assert page.inner_text(".gn-epoch") == "1"
    k, i, j = 1, 2, 1
    [width] = [w for key, w in link_widths(page) if key == f"gn-link-{k}-{i}-{j}"]
    assert width == pytest.approx(min(10, 1 + abs(session.pg.layers[k].W[i, j]) * 9 / 5))
    session.control({"action": "play"})  # while playing, each drawn frame asks for more
    page.evaluate("(f) => window.gn.change('frame', f)", session.frame() | {
        "history": [], "history_start": 2})
    page.wait_for_timeout(200)
    assert {"action": "tick"} in page.evaluate("window.gn.sent")
    assert problems == []
    assert [u for u in requests if not u.startswith(("blob:", "data:", "about:"))] == []
    page.close()
