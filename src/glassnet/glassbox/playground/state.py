"""TensorFlow Playground's URL hash: its parameter names, values and defaults.

Playground keeps its whole configuration in the hash
(``#activation=tanh&batchSize=10&dataset=circle&...``); ``State.deserializeState``
reads it and ``State.serialize`` writes it (src/state.ts). :func:`parse` and
:func:`serialize` do the same, with the same rules:

- ``name=value`` pairs split on ``&`` and ``=``; nothing is URL-decoded;
- a number is JavaScript's ``+value``; a boolean is true unless the value is
  ``false``; an empty value keeps the default; a name Playground does not know
  (or an activation, data set … it does not know) is ignored;
- ``networkShape=`` (empty) means no hidden layer;
- ``<control>_hide=true`` hides a control for a lesson (``x_hide=true`` removes
  the input x₁ even with ``x=true``); every ``*_hide`` pair is kept and written
  back;
- serialising writes the names in Playground's order and skips unset values
  (``regularization`` when it is none, ``tutorial`` when there is none), so the
  hash of an unchanged page comes back character for character.

``cosX``/``cosY`` are read and written but, as in Playground, feed no input.

>>> s = parse("activation=relu&networkShape=3&seed=0.1&x_hide=true")
>>> s.activation, s.networkShape, s.hidden
('relu', [3], {'x_hide': True})
>>> serialize(s)[:40]
'activation=relu&batchSize=10&dataset=cir'
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "L1", "L2")
DATASETS = ("circle", "xor", "gauss", "spiral")
REG_DATASETS = ("reg-plane", "reg-gauss")
PROBLEMS = ("classification", "regression")
HIDE_SUFFIX = "_hide"

#: Playground's State.PROPS, in its order: (name, kind, allowed values)
PROPS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("activation", "choice", ACTIVATIONS),
    ("regularization", "choice", REGULARIZATIONS),
    ("batchSize", "number", None),
    ("dataset", "choice", DATASETS),
    ("regDataset", "choice", REG_DATASETS),
    ("learningRate", "number", None),
    ("regularizationRate", "number", None),
    ("noise", "number", None),
    ("networkShape", "numbers", None),
    ("seed", "string", None),
    ("showTestData", "boolean", None),
    ("discretize", "boolean", None),
    ("percTrainData", "number", None),
    ("x", "boolean", None),
    ("y", "boolean", None),
    ("xTimesY", "boolean", None),
    ("xSquared", "boolean", None),
    ("ySquared", "boolean", None),
    ("cosX", "boolean", None),
    ("sinX", "boolean", None),
    ("cosY", "boolean", None),
    ("sinY", "boolean", None),
    ("collectStats", "boolean", None),
    ("tutorial", "string", None),
    ("problem", "choice", PROBLEMS),
    ("initZero", "boolean", None),
    ("hideText", "boolean", None),
)


@dataclass
class State:
    """Playground's state, field for field, with its defaults.

    Numbers are ints where the value is whole (JavaScript has one number type);
    ``regularization`` is ``"none"`` where Playground holds null; ``seed`` is
    None until a page (or :func:`glassnet.playground.from_url`) picks one;
    ``hidden`` maps each ``<control>_hide`` name to its flag, in URL order.
    """

    activation: str = "tanh"
    regularization: str = "none"
    batchSize: int | float = 10
    dataset: str = "circle"
    regDataset: str = "reg-plane"
    learningRate: int | float = 0.03
    regularizationRate: int | float = 0
    noise: int | float = 0
    networkShape: list[int] = field(default_factory=lambda: [4, 2])
    seed: str | None = None
    showTestData: bool = False
    discretize: bool = False
    percTrainData: int | float = 50
    x: bool = True
    y: bool = True
    xTimesY: bool = False
    xSquared: bool = False
    ySquared: bool = False
    cosX: bool = False
    sinX: bool = False
    cosY: bool = False
    sinY: bool = False
    collectStats: bool = False
    tutorial: str | None = None
    problem: str = "classification"
    initZero: bool = False
    hideText: bool = False
    hidden: dict[str, bool] = field(default_factory=dict)

    def is_hidden(self, control: str) -> bool:
        """Whether ``<control>_hide=true`` (Playground's ``getHiddenProps``)."""
        return self.hidden.get(control + HIDE_SUFFIX, False)

    def copy(self) -> State:
        return dataclasses.replace(
            self, networkShape=list(self.networkShape), hidden=dict(self.hidden)
        )


#: what JavaScript's ``trim`` removes: WhiteSpace (Unicode Zs, tab, VT, FF, BOM) and line ends
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_number(text: str) -> float:
    """JavaScript's ``+text`` (StringToNumber): NaN where JavaScript gives NaN."""
    s = text.strip(JS_WHITESPACE)
    if s == "":
        return 0.0
    if s in ("Infinity", "+Infinity", "-Infinity"):
        return float(s.replace("Infinity", "inf"))
    radix = _RADIX.fullmatch(s)
    if radix:
        base = {"x": 16, "o": 8, "b": 2}[radix.group(1)[0].lower()]
        return float(int(radix.group(1)[1:], base))
    if _DECIMAL.fullmatch(s):
        return float(s)
    return float("nan")


def js_string(value: float | int) -> str:
    """JavaScript's ``String(number)``: ``0.03``, ``10``, ``0.00001``, ``1e-7``, ``1e+21``."""
    value = float(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, as ECMAScript's Number::toString
    _, digits_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple))
    k, n = len(digits), len(digits) + int(exponent)  # value = 0.digits × 10ⁿ
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def to_fixed(value: float, places: int = 5) -> str:
    """JavaScript's ``value.toFixed(places)`` for 0 ≤ value < 10²¹ (ties round up)."""
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _whole(x: float) -> int | float:
    return int(x) if x.is_integer() else x


def _number(name: str, text: str) -> int | float:
    x = js_number(text)
    if x != x:
        raise ValueError(
            f"{name}={text} in the URL is not a number; give a number such as "
            f"{name}={js_string(getattr(State(), name))}."
        )
    return _whole(x) if abs(x) < 2**53 else x


def _shape(text: str) -> list[int]:
    if text.strip(JS_WHITESPACE) == "":
        return []
    shape = []
    for part in text.split(","):
        x = js_number(part)
        if not (x == x and x >= 1 and float(x).is_integer()):
            raise ValueError(
                f"networkShape={text} in the URL must list whole numbers of neurons of 1 or "
                f"more, one per hidden layer (networkShape=4,2), but '{part}' is not one."
            )
        shape.append(int(x))
    return shape


def check(state: State) -> None:
    """Refuse what Playground cannot train (its own controls never produce these)."""
    b = state.batchSize
    if isinstance(b, bool) or not isinstance(b, numbers.Real) or not (
        math.isfinite(b) and float(b).is_integer() and b >= 1
    ):
        raise ValueError(
            f"batchSize must be a whole number of 1 or more (Playground's slider gives "
            f"1–30), but it is {b!r}."
        )
    for name in ("learningRate", "regularizationRate", "percTrainData", "noise"):
        if not math.isfinite(getattr(state, name)):
            raise ValueError(f"{name} must be a finite number, but it is {getattr(state, name)}.")


def hash_of(url: str) -> str:
    """The part of ``url`` Playground reads: after the first ``#``, else the string
    itself if it looks like ``name=value`` pairs, else nothing."""
    if "#" in url:
        return url.split("#", 1)[1]
    if "=" in url and "://" not in url and not url.startswith("/"):
        return url
    return ""


def parse(url: str) -> State:
    """The :class:`State` Playground's ``deserializeState`` builds from a URL or its hash."""
    pairs: dict[str, str | None] = {}
    for keyvalue in hash_of(url).split("&"):
        parts = keyvalue.split("=")
        pairs[parts[0]] = parts[1] if len(parts) > 1 else None
    state = State()
    for name, kind, choices in PROPS:
        value = pairs.get(name)
        if kind == "numbers":
            if name in pairs:
                state.networkShape = _shape(value or "")
            continue
        if value is None or value.strip(JS_WHITESPACE) == "":
            continue
        if kind == "choice":
            if choices is not None and value in choices:
                setattr(state, name, value)
        elif kind == "number":
            setattr(state, name, _number(name, value))
        elif kind == "string":
            setattr(state, name, value)
        else:
            setattr(state, name, value != "false")
    state.hidden = {
        name: value == "true" for name, value in pairs.items() if name.endswith(HIDE_SUFFIX)
    }
    return state


def serialize(state: State) -> str:
    """The hash Playground's ``State.serialize`` writes for ``state`` (without ``#``)."""
    props = []
    for name, kind, _ in PROPS:
        value = getattr(state, name)
        if value is None or (name == "regularization" and value == "none"):
            continue  # Playground skips null values (regularization none is null)
        if kind == "number":
            value = js_string(value)
        elif kind == "numbers":
            value = ",".join(js_string(v) for v in value)
        elif kind == "boolean":
            value = "true" if value else "false"
        props.append(f"{name}={value}")
    props += [f"{name}={'true' if flag else 'false'}" for name, flag in state.hidden.items()]
    return "&".join(props)
