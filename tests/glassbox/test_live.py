"""gn.LivePlot outside a kernel: a throttled one-line progress display, the last
epoch always drawn (in a kernel: tests/tools/test_notebook_display.py)."""

import io

import pytest

import glassnet as gn
from glassnet import tutorials
from glassnet.glassbox.live import in_kernel


def test_outside_a_kernel_it_writes_one_line_redrawn_and_throttled():
    assert not in_kernel()
    stream = io.StringIO()
    live = gn.LivePlot(redraws_per_second=2, epochs=2000, stream=stream)
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    hist = net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=2000, lr=0.1, loss="half_sse",
                   callbacks=[live])
    text = stream.getvalue()
    assert text.endswith(f"\repoch 2000/2000  loss={hist.loss[-1]:.5g} \n")
    assert 1 <= live.redraws < 100 and text.count("\r") == live.redraws
    assert live.loss == hist.loss


def test_the_figure_holds_both_curves_and_the_last_figures():
    live = gn.LivePlot(stream=io.StringIO())
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    X, y = tutorials.RAY_X, tutorials.RAY_Y
    hist = net.fit(X, y, epochs=30, lr=0.1, loss="half_sse", callbacks=[live],
                   validation_data=(X, y))
    page = live.figure_html()
    assert f"epoch 30: loss {hist.loss[-1]:.6g}, val_loss {hist.val_loss[-1]:.6g}" in page
    assert page.count("<svg") == 2 and repr(float(hist.loss[-1])) in page


def test_a_rate_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="redraws_per_second must be > 0"):
        gn.LivePlot(redraws_per_second=0)


def test_verbose_plot_is_a_live_plot_over_the_fits_epochs(capsys):
    """``fit(verbose="plot")`` adds ``LivePlot(epochs=epochs)``: outside a kernel its
    text line on stderr, ending on the last epoch; the training is unchanged."""
    X, y = tutorials.RAY_X, tutorials.RAY_Y
    plotted = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    hist = plotted.fit(X, y, epochs=300, lr=0.1, loss="half_sse", verbose="plot")
    err = capsys.readouterr().err
    assert err.endswith(f"\repoch 300/300  loss={hist.loss[-1]:.5g} \n")
    quiet = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    assert quiet.fit(X, y, epochs=300, lr=0.1, loss="half_sse").loss == hist.loss
    with pytest.raises(ValueError, match=r"verbose must be 0, 1, 2 or 'plot', but got 'bar'"):
        quiet.fit(X, y, epochs=1, verbose="bar")
