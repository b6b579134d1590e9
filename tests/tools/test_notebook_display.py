"""glassnet in a real Jupyter kernel (nbclient): rich displays, LivePlot, the bar."""

import json
import re

import nbformat
from nbclient import NotebookClient
from test_notebook import kernel_of_this_python  # noqa: F401  (the fixture)

from htmlcheck import check_html

SETUP = """
import numpy as np, glassnet as gn
from glassnet import tutorials
X, y = tutorials.RAY_X, tutorials.RAY_Y
net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
hist = net.fit(X, y, epochs=200, lr=0.1, loss="half_sse")
"""
SHOWN = {
    "Network": "net",
    "History": "hist",
    "Trace": "net.trace(X, y)",
    "GradcheckReport": "gn.gradcheck(net, X, y)",
    "Diagnosis": "gn.doctor(net, X, y, loss='half_sse', lr=1e-6)",
}
LIVE = """
live_net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
live_hist = live_net.fit(X, y, epochs=500, lr=0.1, loss="half_sse", callbacks=[gn.LivePlot()],
                         validation_data=(X, y))
"""
PLOT = """
plot_net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
plot_hist = plot_net.fit(X, y, epochs=40, lr=0.1, loss="half_sse", verbose="plot")
"""
BAR = """
import sys  # a kernel without ipywidgets (the test extra has them, for the playground widget)
sys.modules["ipywidgets"] = None
bar_net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
_ = bar_net.fit(X, y, epochs=50, lr=0.1, loss="half_sse", verbose=1)
del sys.modules["ipywidgets"]
"""


def run(cells, kernel, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, kernel_name=kernel, timeout=300,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def test_displays_live_plot_and_progress_bar_in_a_kernel(tmp_path, kernel_of_this_python):  # noqa: F811
    cells = [SETUP, *SHOWN.values(), LIVE, "print(repr(float(live_hist.loss[-1])))", BAR, PLOT]
    nb = run(cells, kernel_of_this_python, tmp_path)
    shown = nb.cells[1:1 + len(SHOWN)]
    for kind, cell in zip(SHOWN, shown):
        [out] = cell.outputs
        page = out["data"]["text/html"]
        check_html(page)
        assert len(page.encode()) < 200_000, (kind, len(page))
        assert out["data"]["text/plain"]  # the text fallback
    live, final, bar, plot = nb.cells[1 + len(SHOWN):]
    [shown_plot] = plot.outputs  # verbose="plot": the same one display, not the text line
    assert "epoch 40/40: loss" in shown_plot["data"]["text/html"]
    assert len(live.outputs) == 1, live.outputs  # one display, updated in place
    page = live.outputs[0]["data"]["text/html"]
    check_html(page)
    last = json.loads(re.findall(r'data-losses="(\[[^"]*\])"', page)[0])[-1]
    assert repr(last) == final.outputs[0]["text"].strip()  # the last figure: the final loss
    assert "epoch 500: loss" in page and "val_loss" in page
    text = "".join(o.get("text", "") for o in bar.outputs)
    assert "IProgress" not in text and "50/50" in text  # tqdm's text bar, no widget warning
