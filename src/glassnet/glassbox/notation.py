"""How each activation and loss reads to people: the tutorial's text and an Excel formula.

The math itself lives once, in the engine (:mod:`glassnet.activations`,
:mod:`glassnet.losses`); this table only says how to *write* it, for the trace's
equations (:mod:`~glassnet.glassbox.trace_steps`) and the workbook's live cells
(:mod:`~glassnet.glassbox.spreadsheet`). Placeholders: ``{z}``, ``{a}`` a cell of
the layer's input and activation, ``{alpha}`` the activation's α, ``{row}`` the
cells of z's row (softmax); ``{y}``, ``{p}`` a target and an output cell, ``{c}``
the output clipped as the engine clips probabilities, ``{N}`` the number of
elements and ``{n}`` of samples.

For example the sigmoid's slope is ``derivatives_sigmoid({a})`` in the trace and
``{a}*(1-{a})`` in the workbook; the half squared error's E is ``y − output`` and
``{y}-{p}``. Every registered activation and loss has an entry
(``tests/glassbox/test_notation.py`` checks it).

>>> activation("sigmoid").slope_text.format(a="output")
'derivatives_sigmoid(output)'
>>> loss("half_sse").error_excel.format(y="A1", p="B1")
'A1-B1'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = float(np.finfo(np.float64).eps)  # the engine's probability clip, in float64


@dataclass(frozen=True)
class ActivationNotation:
    """One activation, written out.

    ``excel`` is a = f(z) as a formula. For an elementwise activation,
    ``slope_text`` / ``slope_excel`` are f'(z) and ``slope_from`` says which of
    z and a they read; for softmax (no elementwise slope) ``slope_text`` is the
    Jacobian-vector product d = a ⊙ (E − Σ_k E_k a_k) with ``{E}`` the error
    coming in, and ``slope_excel`` is None (the workbook writes that product
    itself from the E and a cells).
    """

    slope_text: str
    slope_from: tuple[str, ...]
    excel: str
    slope_excel: str | None


@dataclass(frozen=True)
class LossNotation:
    """One loss, written out: E = −dL/d(output) as the trace writes it and as Excel does."""

    error_text: str
    error_excel: str


ACTIVATIONS: dict[str, ActivationNotation] = {
    "linear": ActivationNotation("1", (), "{z}", "1"),
    "sigmoid": ActivationNotation(
        "derivatives_sigmoid({a})", ("a",), "1/(1+EXP(-{z}))", "{a}*(1-{a})"
    ),
    "tanh": ActivationNotation("1 − {a}²", ("a",), "TANH({z})", "1-{a}^2"),
    "relu": ActivationNotation("1 if {z} > 0 else 0", ("z",), "MAX({z},0)", "IF({z}>0,1,0)"),
    "leaky_relu": ActivationNotation(
        "1 if {z} > 0 else α", ("z",), "IF({z}>0,{z},{alpha}*{z})", "IF({z}>0,1,{alpha})"
    ),
    "elu": ActivationNotation(
        "1 if {z} > 0 else {a} + α", ("z", "a"), "IF({z}>0,{z},{alpha}*(EXP({z})-1))",
        "IF({z}>0,1,{a}+{alpha})",
    ),
    "softplus": ActivationNotation(
        "sigmoid({z})", ("z",), "LN(1+EXP({z}))", "1/(1+EXP(-{z}))"
    ),
    "softmax": ActivationNotation(
        "{a} ⊙ ({E} − Σ_k {E}_k {a}_k)   (softmax, per row)", ("a",),
        "EXP({z}-MAX({row}))/SUMPRODUCT(EXP({row}-MAX({row})))", None,
    ),
}

_CLIP = f"MIN(MAX({{p}},{_EPS!r}),1-{_EPS!r})"

LOSSES: dict[str, LossNotation] = {
    "half_sse": LossNotation("y − output", "{y}-{p}"),
    "sse": LossNotation("2 (y − output)", "2*({y}-{p})"),
    "mse": LossNotation("2 (y − output) / N", "2*({y}-{p})/{N}"),
    "mae": LossNotation("−sign(output − y) / N", "-SIGN({p}-{y})/{N}"),
    "binary_crossentropy": LossNotation(
        "(y − output) / (output (1 − output) N)", "({y}-{c})/({c}*(1-{c})*{N})"
    ),
    "categorical_crossentropy": LossNotation("y / (output · n)", "{y}/({c}*{n})"),
}

#: E at the logits of a fused pair, −δ = (y − output) / divisor (the loss's fused_divisor)
FUSED_ERROR = LossNotation("(y − output) / {divisor}", "({y}-{p})/{count}")


def activation(name: str) -> ActivationNotation:
    """The notation of the activation called ``name``."""
    return _lookup(ACTIVATIONS, name, "activation")


def loss(name: str) -> LossNotation:
    """The notation of the loss called ``name``."""
    return _lookup(LOSSES, name, "loss")


def clipped(p: str) -> str:
    """The Excel form of the engine's probability clip of cell ``p``."""
    return _CLIP.format(p=p)


def _lookup(table: dict, name: str, kind: str):
    try:
        return table[name]
    except KeyError:
        raise ValueError(
            f"There is no notation for the {kind} {name!r} (the trace and the workbook "
            f"write out {', '.join(sorted(table))}); add it to glassnet.glassbox.notation."
        ) from None
