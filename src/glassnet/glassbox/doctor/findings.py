"""What the doctor reports: :class:`Finding` (one pathology, with its numbers, a plain
explanation and a fix) and :class:`Diagnosis` (the findings, worst first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: severities, worst first
SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    """One thing the doctor found.

    code : stable identifier (``"diverged"``, ``"dead_relu"``, …; see docs/doctor.md).
    severity : ``"error"`` (training cannot work), ``"warning"`` (it works badly),
        ``"info"`` (worth knowing).
    title : the finding in a few words. explanation : what happens and why, in plain
        words, with the numbers. fix : what to change.
    numbers : the measurements behind it (JSON-ready). layers : the layers that
        show it (1-based). cells : the trace's arrays or cells that show it, as
        ``name`` or ``name[i, j]`` (``net.trace(X, y)[name]``).
    cause : the code of the finding that explains this one, if any.
    """

    code: str
    severity: str
    title: str
    explanation: str
    fix: str
    numbers: dict[str, Any] = field(default_factory=dict)
    layers: list[int] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    cause: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(
                f"severity must be one of {', '.join(SEVERITIES)}, but got {self.severity!r}."
            )

    @property
    def one_line(self) -> str:
        """``code (severity): title. Fix: fix`` — for error messages and summaries."""
        return f"{self.code} ({self.severity}): {self.title}. Fix: {self.fix}"

    def to_text(self) -> str:
        lines = [f"[{self.severity}] {self.code}: {self.title}", f"    {self.explanation}"]
        if self.cause:
            lines.append(f"    caused by: {self.cause}")
        if self.cells:
            lines.append(f"    see the trace: {', '.join(self.cells)}")
        lines.append(f"    fix: {self.fix}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "severity": self.severity, "title": self.title,
            "explanation": self.explanation, "fix": self.fix, "numbers": self.numbers,
            "layers": list(self.layers), "cells": list(self.cells), "cause": self.cause,
        }


class Diagnosis:
    """The doctor's findings, worst first (errors, then warnings, then info).

    ``diagnosis.findings`` is the list; ``"dead_relu" in diagnosis`` and
    ``diagnosis["dead_relu"]`` look one up by code; ``diagnosis.top`` is the
    worst (None when nothing was found); ``diagnosis.ok`` is True when there is
    no error and no warning. ``print(diagnosis)`` shows them all.
    """

    def __init__(self, findings: list[Finding], measurements: Any = None):
        order = {s: i for i, s in enumerate(SEVERITIES)}
        self.findings: list[Finding] = sorted(findings, key=lambda f: order[f.severity])
        #: the numbers the findings were read from (:class:`~.probes.Measurements`)
        self.measurements = measurements

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    @property
    def top(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def ok(self) -> bool:
        return not any(f.severity in ("error", "warning") for f in self.findings)

    @property
    def has_error(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __getitem__(self, code: str) -> Finding:
        for finding in self.findings:
            if finding.code == code:
                return finding
        raise KeyError(
            f"The diagnosis has no finding {code!r}; it has: {', '.join(self.codes) or 'none'}."
        )

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def to_text(self) -> str:
        if not self.findings:
            return "Diagnosis: nothing wrong found."
        counts = ", ".join(
            f"{n} {s}{'s' if n > 1 else ''}"
            for s in SEVERITIES
            if (n := sum(f.severity == s for f in self.findings))
        )
        return "\n".join([f"Diagnosis: {counts}"] + [f.to_text() for f in self.findings])

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        from glassnet.glassbox.display import diagnosis_html

        return diagnosis_html(self)

    def __repr__(self) -> str:
        return f"Diagnosis({', '.join(f'{f.code}:{f.severity}' for f in self.findings)})"

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_dict() for f in self.findings]}
