"""The workbook: live Excel formulas, recalculated by a real formula engine (``formulas``)."""

import formulas
import numpy as np
import openpyxl
import pytest

import glassnet as gn
from glassnet.glassbox.spreadsheet import layout
from glassnet.tutorials import RAY_PRINTED_WEIGHTS, RAY_X, RAY_Y


def recalculate(path):
    """Every cell's value as a real spreadsheet engine computes it: {"B5": 1.48, ...}."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for key, cell in solution.items():
        ref = key.split("!")[-1]
        if ":" in ref or not hasattr(cell, "value"):
            continue
        values[ref] = cell.value.ravel()[0]
    return values


def cell_name(row, col):
    return f"{openpyxl.utils.get_column_letter(col)}{row}"


def assert_workbook_equals_trace(path, tr):
    values = recalculate(path)
    places = layout(tr)
    checked = 0
    for name in tr.names:
        r, c = places[name]
        for (i, j), expected in np.ndenumerate(tr[name]):
            got = float(values[cell_name(r + i, c + j)])
            assert got == pytest.approx(expected, abs=1e-9), (name, i, j)
            checked += 1
    return checked


def ray_net():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
    w = RAY_PRINTED_WEIGHTS
    net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
    return net


def test_ray_workbook_is_live_formulas_that_recompute_to_the_trace(tmp_path):
    tr = ray_net().trace(RAY_X, RAY_Y, lr=0.1)
    path = tr.to_xlsx(tmp_path / "ray.xlsx")
    ws = openpyxl.load_workbook(path)["trace"]
    places = layout(tr)
    r, c = places["hidden_layer_input"]
    assert ws.cell(r - 1, c).value == "hidden_layer_input"
    assert ws.cell(r, c).value.startswith("=MMULT(")
    r, c = places["hiddenlayer_activations"]
    assert "EXP(" in ws.cell(r, c).value
    r, c = places["wh"]
    assert ws.cell(r, c).value == 0.42  # given cells are numbers
    checked = assert_workbook_equals_trace(path, tr)
    assert checked == sum(a.size for a in tr.arrays.values()) == 113


def test_editing_a_weight_recomputes_the_whole_iteration(tmp_path):
    tr = ray_net().trace(RAY_X, RAY_Y, lr=0.1)
    path = tr.to_xlsx(tmp_path / "ray.xlsx")
    wb = openpyxl.load_workbook(path)
    r, c = layout(tr)["wout"]
    wb["trace"].cell(r + 1, c).value = -0.5  # the learner edits wout[1, 0]
    wb["trace"]["B2"] = 0.3  # and the learning rate
    wb.save(path)
    net = ray_net()
    W, b = net.layers[1].W.copy(), net.layers[1].b.copy()
    W[1, 0] = -0.5
    net.set_weights([(RAY_PRINTED_WEIGHTS["wh"], RAY_PRINTED_WEIGHTS["bh"]), (W, b)])
    edited = net.trace(RAY_X, RAY_Y, lr=0.3)
    assert not np.allclose(edited["wh_updated"], tr["wh_updated"])
    assert_workbook_equals_trace(path, edited)


@pytest.mark.parametrize(
    "acts, loss, n_out",
    [
        (["relu", "tanh", "linear"], "mse", 2),
        (["elu", "leaky_relu", "softplus", "sigmoid"], "sse", 1),
        (["tanh", "sigmoid"], "binary_crossentropy", 1),
        (["sigmoid", "softmax"], "categorical_crossentropy", 3),
        (["tanh", "softmax"], "mae", 3),
    ],
)
def test_other_depths_activations_and_losses(tmp_path, acts, loss, n_out):
    rng = np.random.default_rng(len(acts))
    sizes = [2] + [3] * (len(acts) - 1) + [n_out]
    net = gn.Network([gn.Dense(i, o, a) for a, i, o in zip(acts, sizes, sizes[1:])], seed=1)
    X = rng.normal(size=(5, 2))
    y = np.eye(n_out)[rng.integers(0, n_out, 5)] if n_out > 1 else rng.integers(0, 2, (5, 1))
    tr = net.trace(X, y, loss=loss, lr=0.2)
    assert assert_workbook_equals_trace(tr.to_xlsx(tmp_path / "t.xlsx"), tr) > 50


def test_unsupported_activation_is_refused_before_writing(tmp_path):
    from glassnet.activations import Sigmoid

    class Custom(Sigmoid):
        name = "custom"

    net = gn.Network([gn.Dense(4, 2, activation=Custom()), gn.Dense(2, 1)], seed=0)
    with pytest.raises(ValueError, match="'custom'"):
        net.trace(RAY_X, RAY_Y).to_xlsx(tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []
