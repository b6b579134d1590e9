"""The tutorial notebook runs top to bottom in a fresh kernel of this very Python."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "tutorial_walkthrough.ipynb"
KERNEL = "glassnet-notebook-test"


@pytest.fixture
def kernel_of_this_python(tmp_path, monkeypatch):
    """Register a kernel spec that starts ``sys.executable`` (the venv's Python), first on
    Jupyter's search path, so no kernel installed elsewhere on the machine is used."""
    spec_dir = tmp_path / "jupyter" / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "glassnet test kernel",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return KERNEL


def test_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) > 10
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_notebook_runs_top_to_bottom(tmp_path, kernel_of_this_python):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    workdir = tmp_path / "run"
    workdir.mkdir()
    client = NotebookClient(
        nb,
        kernel_name=kernel_of_this_python,
        timeout=300,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Step 11" in text and "hidden_layer_input" in text  # the trace of steps 0-11
    assert "all passed" in text and "FAIL" not in text  # the gradient check
    assert "Error at epoch 900 is 0.01190" in text  # the article's last printed error
    assert "Error at epoch 9000 is" in text  # the moons table
    # "what went wrong?": the doctor on Amit's 100 hidden units and on Tom's raw inputs
    assert "constant_predictions" in text and "caused by: saturated_output" in text
    tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("inputs_not_scaled" in t and "saturated_hidden" in t for t in tables)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 7
    assert not [o for o in outputs if o.output_type == "error"]
    assert not list(workdir.iterdir())  # the notebook shows its plots, writes no files
