"""The doctor where it helps: fit(doctor=True), the divergence error, the CLI."""

import subprocess
import sys

import numpy as np
import pytest

import doctor_cases as cases
import glassnet as gn
from glassnet.tools.cli import main


def test_fit_with_doctor_attaches_the_diagnosis_to_the_history():
    net, X, y, settings = cases.tiny_lr()
    hist = net.fit(X, y, epochs=50, doctor=True, **settings)
    assert isinstance(hist.diagnosis, gn.Diagnosis) and hist.diagnosis.codes == ["lr_too_low"]
    healthy = cases.ray_net().fit(X, y, epochs=200, lr=0.1, loss="half_sse", doctor=True)
    assert healthy.diagnosis.ok
    assert cases.ray_net().fit(X, y, epochs=2, loss="half_sse").diagnosis is None


def test_a_divergence_error_ends_with_the_doctors_top_finding_and_its_fix():
    net, X, y, settings = cases.sum_loss_on_many_rows()
    with pytest.raises(gn.TrainingDivergedError) as err:
        net.fit(X, y, epochs=200, **settings)
    message = str(err.value)
    assert message.startswith("Training diverged at epoch")
    assert message.endswith(
        "The training doctor: sum_loss_scales_lr (error): the sse loss sums over 1000 rows, "
        "so lr=0.1 acts as 100. Fix: train with loss=\"mse\" (a mean over the rows), or divide "
        "lr by the rows per batch (lr=0.0001)")
    assert np.isfinite(net.params).all()


def write_csv(path, X, labels):
    rows = ["a,b,c,label"] + [f"{x[0]},{x[1]},{x[2]},{t}" for x, t in zip(X, labels)]
    path.write_text("\n".join(rows) + "\n")


def test_glassnet_doctor_exits_0_1_or_2(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    write_csv(tmp_path / "d.csv", X, np.where(X[:, 0] > 0, "yes", "no"))
    model = tmp_path / "m.gnet"
    assert main(["train", str(tmp_path / "d.csv"), "--target", "label", "--epochs", "30",
                 "--quiet", "--out", str(model)]) == 0
    out = capsys.readouterr().out
    assert "doctor: " in out  # the train summary's one line
    assert main(["doctor", str(model), str(tmp_path / "d.csv")]) == 0
    assert capsys.readouterr().out.startswith("Diagnosis:")
    # an error finding: cross-entropy on a linear output, saved and diagnosed
    net = gn.load(model)
    bad = gn.Network([gn.Dense(3, 4, "tanh"), gn.Dense(4, 1, "linear")], seed=0)
    bad.metadata, bad.loss = net.metadata, gn.losses.get("binary_crossentropy")
    bad.save(tmp_path / "bad.gnet")
    assert main(["doctor", str(tmp_path / "bad.gnet"), str(tmp_path / "d.csv"), "--json"]) == 1
    assert '"loss_output_mismatch"' in capsys.readouterr().out
    assert main(["doctor", str(tmp_path / "missing.gnet"), str(tmp_path / "d.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


def test_the_doctor_command_has_help_with_examples():
    result = subprocess.run([sys.executable, "-m", "glassnet", "doctor", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "glassnet doctor iris.gnet iris.csv" in result.stdout


@pytest.mark.parametrize("severities, line", [
    ((), "doctor: nothing wrong found"),
    (("info",), "doctor: no warning or error; 1 note (n0): glassnet doctor m.gnet 'my data.csv' "
                "explains"),
    (("info", "info"), "doctor: no warning or error; 2 notes (n0, n1): glassnet doctor m.gnet "
                       "'my data.csv' explains"),
    (("warning", "info"), "doctor: n0 (warning): t. Fix: f"),
])
def test_the_train_summary_line_counts_what_glassnet_doctor_lists(monkeypatch, severities,
                                                                    line):
    """The train summary said "nothing wrong found" while ``glassnet doctor`` listed an
    info finding: the line now names every note the command would print."""
    from glassnet.glassbox.doctor.findings import Diagnosis, Finding
    from glassnet.tools import doctor_command

    findings = [Finding(f"n{i}", s, "t", "e", "f") for i, s in enumerate(severities)]
    monkeypatch.setattr(doctor_command, "diagnose_file", lambda *a: Diagnosis(findings))
    assert doctor_command.summary_line(None, "my data.csv", "y", model="m.gnet") == line


def test_the_divergence_message_names_one_epoch_count():
    """It said "diverged at epoch 121" and then "The training doctor: … at epoch 122":
    the doctor's probe starts from the rolled-back weights, so it now counts its own."""
    from glassnet import tutorials

    net = gn.Network([gn.Dense(4, 3, "sigmoid"), gn.Dense(3, 1, "linear")], seed=0)
    with pytest.raises(gn.TrainingDivergedError) as err:
        net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=300, lr=10, loss="mse")
    message = str(err.value)
    assert message.count("at epoch") == 1, message
    assert "The training doctor: diverged (error): training diverges: the loss becomes NaN " \
           "or infinite in epoch " in message and "of a short run from the current weights" \
           in message
