"""docs/architecture.md's reading order names code that exists.

Each "### N. `glassnet/<module>.py`" section of the reading order cites names in
backticks (``Sigmoid.derivative``, ``Network.backward``, ``optimizers.GD``); a
renamed or removed one fails here, naming the section and the name.
"""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "src" / "glassnet"
SECTION = re.compile(r"^### \d+\. `glassnet/(\w+)\.py`", re.MULTILINE)
CITED = re.compile(r"`([A-Za-z_]\w*(?:\.\w+)*)(?:\([^`]*\))?`")  # a name, or a call of it


def cited_names() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    starts = list(SECTION.finditer(text))
    found = []
    for here, after in zip(starts, [*starts[1:], None], strict=True):
        body = text[here.end() : after.start() if after else len(text)]
        for name in CITED.findall(body):
            first = name.split(".")[0]
            engine_module = (PACKAGE / f"{first}.py").exists()
            if name.endswith(".py") or len(first) < 2 or (first[0].islower() and not engine_module):
                continue  # the tutorials' own code (wh, np.dot(X,wh), self.weights1)
            found.append((here.group(1), name))
    return found


def resolve(module_name: str, name: str):
    """``name`` in the section's module, else a module it starts with, else ``gn.name``."""
    first, *rest = name.split(".")
    for where, parts in [(module_name, [first, *rest]), (first, rest), ("", [first, *rest])]:
        try:
            obj = importlib.import_module(f"glassnet.{where}" if where else "glassnet")
            for part in parts:
                obj = getattr(obj, part)
            return obj
        except (ModuleNotFoundError, AttributeError):
            continue
    raise AttributeError(name)


def test_the_reading_order_covers_the_five_modules():
    sections = SECTION.findall(DOC.read_text(encoding="utf-8"))
    assert sections == ["activations", "losses", "layers", "network", "training"]


def test_every_cited_name_exists():
    cited = cited_names()
    assert ("activations", "Sigmoid.derivative") in cited and ("training", "optimizers.GD") in cited
    missing = []
    for module_name, name in cited:
        try:
            resolve(module_name, name)
        except AttributeError:
            missing.append(f"docs/architecture.md, section glassnet/{module_name}.py: `{name}`")
    assert not missing, "names cited but not found:\n" + "\n".join(missing)
