"""docs/reliability.md counts its batteries: each table row names test files and the
number of cases they hold, and each table follows an "(N passed" line for its run.
Those figures drifted as tests were added; this holds them to what pytest collects."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"


def batteries():
    """[(claimed total, [(file names, claimed counts), ...]), ...] per "(N passed" run."""
    runs = []
    for line in DOC.read_text().splitlines():
        if (total := re.match(r"\((\d+) passed", line)):
            runs.append((int(total.group(1)), []))
        files = re.findall(r"`(test_\w+\.py)`", line)
        if line.startswith("|") and files and runs:
            cases = line.split("|")[3]
            counts = [int(n) for n in re.findall(r"^\s*(\d+)(?:\s*\+\s*(\d+))?", cases)[0] if n]
            runs[-1][1].append((files, counts))
    return runs


def collected(names):
    paths = [str(p.relative_to(ROOT)) for name in names for p in ROOT.glob(f"tests/**/{name}")]
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                             "-p", "no:cacheprovider", *paths],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return Counter(Path(line.split("::")[0]).name for line in result.stdout.splitlines()
                   if "::" in line)


def test_every_battery_count_in_reliability_md_is_what_pytest_collects():
    runs = batteries()
    assert len(runs) == 2 and all(rows for _, rows in runs), runs  # the two rounds
    names = [name for _, rows in runs for files, _ in rows for name in files]
    found = collected(names)
    wrong = []
    for total, rows in runs:
        for files, counts in rows:
            assert len(files) == len(counts), (files, counts)
            wrong += [(f, claimed, found[f]) for f, claimed in zip(files, counts)
                      if claimed != found[f]]
        claimed_total = sum(found[f] for files, _ in rows for f in files)
        if claimed_total != total:
            wrong.append(("(N passed)", total, claimed_total))
    assert not wrong, "docs/reliability.md says (file, claimed, collected): " + repr(wrong)
