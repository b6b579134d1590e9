"""What a learner sees: one loss scale everywhere, readable digits, tables that fit,
one colour per class in the report and the plots."""

import contextlib
import html as htmllib
import io
import json
import re

import matplotlib.image as mpimg
import numpy as np
import pytest

import glassnet as gn
from glassnet.glassbox import palette, plotting
from glassnet.glassbox.html_tables import table_format
from glassnet.tools import demos


def run_quietly(fn, *args, **kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return result, out.getvalue()


def demo_table(text):
    return {int(e): float(v) for e, v in re.findall(r"Error at epoch (\d+) is ([0-9.]+)", text)}


def report_losses(path):
    text = path.read_text(encoding="utf-8")
    shown = float(re.search(r'class="loss-shown">([^<]+)<', text).group(1))
    curve = json.loads(htmllib.unescape(re.search(r'data-losses="([^"]+)"', text).group(1)))
    return shown, curve


# -- 1. one loss scale -----------------------------------------------------------------

@pytest.mark.parametrize("name, per_row", [("walkthrough", True), ("ray", False)])
def test_logger_demo_table_report_header_and_curve_show_the_same_numbers(
        tmp_path, monkeypatch, name, per_row):
    monkeypatch.chdir(tmp_path)
    run, printed = run_quietly(demos.run, name)
    table = demo_table(printed)
    assert len(table) == 10
    shown, curve = report_losses(tmp_path / f"glassnet-{name}.html")
    # the traced step is epoch 0's forward pass: the header is the table's first figure
    assert shown == pytest.approx(table[0], abs=6e-6)
    for epoch, value in table.items():
        assert curve[epoch] == pytest.approx(value, abs=6e-6)
    # fit's own logger, on a network started from the same weights, prints the same figures
    again = gn.Network([gn.Dense(layer.n_inputs, layer.n_units, layer.activation.name,
                                 use_bias=layer.b is not None) for layer in run.net.layers])
    again.set_weights([(run.first_step[info["W"]],
                        run.first_step[info["b"]] if info["b"] else None)
                       for info in run.first_step.layers])
    rows = run.X.shape[0] if per_row else None
    loss = run.first_step.loss.name
    epochs = len(run.history.loss)
    _, logged = run_quietly(again.fit, run.X, run.y, epochs=epochs, lr=run.first_step.lr,
                            loss=loss, optimizer="gd",
                            callbacks=[gn.EpochLogger(every=epochs // 10, rows=rows)])
    key = "loss_per_row" if per_row else "loss"
    logger = {int(e): float(v) for e, v in re.findall(rf"epoch\s+(\d+)\s+{key}=([0-9.e-]+)",
                                                       logged)}
    for epoch, value in table.items():
        assert logger[epoch] == pytest.approx(value, abs=6e-6)


def test_a_sum_loss_is_labelled_as_a_sum_with_its_row_count(tmp_path):
    X, y = np.eye(4)[:3], np.array([[1.0], [0.0], [1.0]])
    net = gn.Network([gn.Dense(4, 2, "sigmoid"), gn.Dense(2, 1, "sigmoid")], seed=0)
    path = tmp_path / "r.html"
    net.trace(X, y, loss="half_sse").to_html(path)
    text = path.read_text(encoding="utf-8")
    assert "a sum over 3 rows" in text
    net.trace(X, y, loss="mse").to_html(path)
    assert "a mean over 3 rows" in path.read_text(encoding="utf-8")


# -- 2. digits -------------------------------------------------------------------------

def test_each_table_chooses_its_digits_from_its_values():
    assert table_format(np.array([[0.5, 0.98], [1.2, 0.3]])) == ("f", 2)
    assert table_format(np.array([[0.002, -0.004]])) == ("f", 4)
    assert table_format(np.array([[1e-5, -3e-5, 0.0]])) == ("e", 2)
    assert table_format(np.array([[2e6, 1.0]])) == ("e", 2)
    assert table_format(np.zeros((2, 2))) == ("f", 2)


def trained_trace():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, :1] > 0).astype(float)
    net = gn.Network([gn.Dense(3, 4, "tanh"), gn.Dense(4, 1, "sigmoid")], seed=0)
    net.fit(X, y, epochs=300, lr=0.5, loss="binary_crossentropy")
    return net.trace(X, y, loss="binary_crossentropy", lr=0.01)


def test_a_trained_networks_updates_are_readable_and_their_change_is_shown(tmp_path):
    tr = trained_trace()
    path = tmp_path / "trained.html"
    tr.to_html(path)
    text = path.read_text(encoding="utf-8")
    change = tr[tr.layers[0]["W_new"]] - tr[tr.layers[0]["W"]]
    assert np.abs(change).max() < 5e-3  # a small step: two decimals would read 0.00
    table = re.search(r'Δlayer1_W = [^<]*<.*?</table>', text, re.S) or re.search(
        r"Δ" + re.escape(tr.layers[0]["W"]) + r" = .*?</table>", text, re.S)
    cells = re.findall(r'title="([^"]+)">([^<]+)</td>', table.group(0))
    assert len(cells) == change.size
    for (full, shown), expected in zip(cells, change.ravel()):
        assert float(full) == pytest.approx(expected, rel=1e-9, abs=1e-15)
        assert shown not in ("0.00", "-0.00")
        assert float(shown) == pytest.approx(expected, rel=0.06)


# -- browser: wide tables, the digits control, colours ------------------------------------

def test_no_table_of_a_64_feature_model_overflows_its_card(browser, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 64))
    y = np.eye(10)[rng.integers(0, 10, 30)]
    net = gn.Network([gn.Dense(64, 32, "relu"), gn.Dense(32, 10, "softmax")], seed=0)
    net.metadata["feature_names"] = [f"pixel_{k}" for k in range(64)]
    path = tmp_path / "wide.html"
    net.trace(X, y, loss="categorical_crossentropy").to_html(path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri())
    overflow = page.evaluate("""() => {
        const bad = [];
        document.querySelectorAll('section.step').forEach(sec => {
          const card = sec.getBoundingClientRect();
          sec.querySelectorAll('.arr').forEach(a => {
            const r = a.getBoundingClientRect();
            if (r.right > card.right + 0.5) bad.push(a.querySelector('.name').textContent);
          });
        });
        return {bad, page: document.documentElement.scrollWidth};
    }""")
    assert overflow["bad"] == []
    assert overflow["page"] <= 1400
    headers = page.locator("#step-0 .arr.result").first.locator("th").all_inner_texts()
    assert headers == [f"pixel_{k}" for k in range(64)]
    # the digits control shows one more digit in every cell, from the cell's full value
    cell = page.locator('#step-2 td[data-k="hidden_layer_input:0:0"], '
                        '#step-2 td[data-k="layer1_z:0:0"]').first
    before = cell.inner_text()
    page.locator("#digits-more").click()
    after = cell.inner_text()
    assert len(after.split(".")[1]) == len(before.split(".")[1]) + 1
    assert float(after) == pytest.approx(float(cell.get_attribute("title")), abs=10 ** -len(
        after.split(".")[1]))
    page.close()


def binary_net():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 2))
    y = (X[:, 0] > 0).astype(float)  # class 1 on the right
    net = gn.Network([gn.Dense(2, 4, "tanh"), gn.Dense(4, 1, "sigmoid")], seed=1)
    net.fit(X, y, epochs=300, lr=1.0, loss="binary_crossentropy")
    return net, X, y


def nearest_class(rgb):
    regions = palette.pale(palette.CLASS_RGB[:2])
    return int(np.argmin(np.abs(regions - np.asarray(rgb, dtype=float)[:3]).sum(axis=1)))


def test_report_and_plot_give_each_class_the_same_colour_and_a_legend(browser, tmp_path):
    net, X, y = binary_net()
    path = tmp_path / "plane.html"
    net.trace(X, y, loss="binary_crossentropy").to_html(path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri())
    shot = tmp_path / "boundary-html.png"
    page.locator("svg.boundary").screenshot(path=str(shot))
    legend = page.locator(".legend").inner_text()
    assert "class 0" in legend and "class 1" in legend
    page.close()
    html_img = (mpimg.imread(shot)[:, :, :3] * 255).round()
    h, w = html_img.shape[:2]
    # far left is class 0, far right class 1 (mid-height, away from the samples' dots)
    html_left = html_img[h // 2 - 3: h // 2 + 3, 2:6].reshape(-1, 3)
    html_right = html_img[h // 2 - 3: h // 2 + 3, w - 6: w - 2].reshape(-1, 3)

    fig = plotting.decision_boundary(net, X, y, resolution=100)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    fig.savefig(tmp_path / "boundary-mpl.png", dpi=100)
    mpl_img = (mpimg.imread(tmp_path / "boundary-mpl.png")[:, :, :3] * 255).round()
    x0, x1 = ax.get_xlim()
    ymid = float(np.mean(ax.get_ylim()))
    height = mpl_img.shape[0]

    def pixel(x_data):
        px, py = ax.transData.transform((x_data, ymid))
        return mpl_img[int(round(height - py)), int(round(px))]

    mpl_left, mpl_right = pixel(x0 + 0.02 * (x1 - x0)), pixel(x1 - 0.02 * (x1 - x0))
    for sample in html_left:
        assert nearest_class(sample) == 0
    for sample in html_right:
        assert nearest_class(sample) == 1
    assert nearest_class(mpl_left) == 0 and nearest_class(mpl_right) == 1
    # not only the nearest: the very same colours, within rendering noise
    assert np.abs(mpl_left - html_left.mean(axis=0)).max() < 12
    assert np.abs(mpl_right - html_right.mean(axis=0)).max() < 12
