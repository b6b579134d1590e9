"""The workbook of a conv / RNN trace: live Excel formulas, recalculated by a real formula
engine (``formulas``, as tests/glassbox/test_spreadsheet.py does), equal to the engine."""

import formulas
import numpy as np
import openpyxl
import pytest

import glassnet as gn
from glassnet.glassbox.layer_sheets import sheets

rng = np.random.default_rng(1516)


def recalculate(path):
    """Every cell's value as a spreadsheet engine computes it: {("LAYER1_CONV", "B5"): …}."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for key, cell in solution.items():
        sheet, _, ref = key.rpartition("!")
        if ":" in ref or not hasattr(cell, "value"):
            continue
        values[sheet.split("]")[-1].strip("'"), ref] = cell.value.ravel()[0]
    return values


def read(values, sheet, place):
    """The recalculated numbers of one array of the layout, as an array."""
    r, c, cells = place
    return np.array([[float(values[sheet.upper(), f"{openpyxl.utils.get_column_letter(c + j)}"
                                                    f"{r + i}"])
                      for j in range(len(row))] for i, row in enumerate(cells)])


def conv_trace():
    net = gn.Network([gn.Conv2D(2, 3, 3, stride=(1, 2), padding=1, activation="tanh"),
                      gn.Flatten(), gn.Dense(3 * 4 * 2, 1, activation="linear")], seed=2)
    X, y = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((2, 1))
    return net, X, y, net.trace(X, y, loss="mse", cell=(1, 2, 0, 0))


def test_a_convolution_step_is_sumproducts_of_patch_and_kernel_plus_b(tmp_path):
    net, X, y, tr = conv_trace()
    path = tr.to_xlsx(tmp_path / "conv.xlsx")
    layout = sheets(tr)["layer1_conv"]
    ws = openpyxl.load_workbook(path)["layer1_conv"]
    r, c, _ = layout["z[1, 2]"]
    formula = ws.cell(r, c + 1).value  # z[1, 2, 0, 1]: columns 2…4 of the padded image
    assert formula.startswith("=SUMPRODUCT(") and formula.count("SUMPRODUCT(") == 2  # 2 channels
    br, bc, _ = layout["b[2]"]
    assert formula.endswith(f"+{openpyxl.utils.get_column_letter(bc)}{br}")  # + b[f]
    r0, c0, _ = layout["x_pad[1] channel 0"]
    assert f"{openpyxl.utils.get_column_letter(c0 + 2)}{r0}:" in formula  # stride 2
    assert ws.cell(r0, c0).value == 0.0  # a padding cell, a number
    values = recalculate(path)
    conv = net.layers[0]
    np.testing.assert_allclose(read(values, "layer1_conv", layout["z[1, 2]"]), conv.z[1, 2],
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(read(values, "layer1_conv", layout["a[1, 2]"]), conv.a[1, 2],
                               rtol=0, atol=1e-9)
    assert tr["layer1_z"].shape == (4, 2)


def test_editing_a_kernel_weight_recomputes_the_map(tmp_path):
    net, X, y, tr = conv_trace()
    path = tr.to_xlsx(tmp_path / "conv.xlsx")
    layout = sheets(tr)["layer1_conv"]
    wb = openpyxl.load_workbook(path)
    r, c, _ = layout["W[2] channel 1"]
    wb["layer1_conv"].cell(r + 1, c + 2).value = 0.75  # W[2, 1, 1, 2]
    wb.save(path)
    conv = net.layers[0]
    W = conv.W.copy()
    W[2, 1, 1, 2] = 0.75
    conv.W = W
    net.forward(X)
    np.testing.assert_allclose(read(recalculate(path), "layer1_conv", layout["z[1, 2]"]),
                               conv.z[1, 2], rtol=0, atol=1e-9)
    assert not np.allclose(conv.z[1, 2], tr["layer1_z"])


def test_every_rnn_step_is_a_formula_over_the_step_before(tmp_path):
    net = gn.Network([gn.RNN(3, 4, return_sequences=True), gn.RNN(4, 2)], seed=6)
    X, y = rng.standard_normal((3, 5, 3)), rng.standard_normal((3, 2))
    tr = net.trace(X, y, loss="mse")
    path = tr.to_xlsx(tmp_path / "rnn.xlsx")
    book = sheets(tr)
    assert list(book) == ["layer1_rnn", "layer2_rnn"]
    ws = openpyxl.load_workbook(path)["layer1_rnn"]
    zr, zc, _ = book["layer1_rnn"]["z_t"]
    hr, hc, _ = book["layer1_rnn"]["h_t"]
    z2 = ws.cell(zr + 1, zc).value  # z_2, unit 0: reads h_1's row
    h1_row = f"{openpyxl.utils.get_column_letter(hc)}{hr + 1}"
    assert z2.startswith("=MMULT(") and f"MMULT({h1_row}:" in z2
    assert ws.cell(hr + 2, hc).value == f"=TANH({openpyxl.utils.get_column_letter(zc)}{zr + 1})"
    assert ws.cell(hr, hc).value == 0.0  # h_0, a number
    values = recalculate(path)
    for k, layer in enumerate(net.layers, start=1):
        sheet = f"layer{k}_rnn"
        z = read(values, sheet, book[sheet]["z_t"])
        h = read(values, sheet, book[sheet]["h_t"])
        np.testing.assert_allclose(z, layer.z[0], rtol=0, atol=1e-9)
        np.testing.assert_allclose(h[1:], layer.h[0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(h[-1], net.predict(X)[0], rtol=0, atol=1e-9)


def test_a_trace_without_conv_or_rnn_layers_is_refused_before_writing(tmp_path):
    net = gn.Network([gn.LSTM(2, 3)], seed=0)
    tr = net.trace(rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 3)), loss="mse")
    with pytest.raises(ValueError, match="Conv2D and RNN layers; this trace has neither"):
        tr.to_xlsx(tmp_path / "x.xlsx")
    conv = gn.Network([gn.Conv2D(1, 1, 2, activation="softmax")], seed=0)
    tr = conv.trace(rng.standard_normal((1, 1, 3, 3)), rng.standard_normal((1, 1, 2, 2)),
                    loss="mse")
    with pytest.raises(ValueError, match="elementwise activations only"):
        tr.to_xlsx(tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []
