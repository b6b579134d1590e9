"""Name → class tables, shared by activations, losses, initialisers and optimizers.

Each concept keeps a plain dict from names to classes (scikit-learn's habit).
The same dict lists the valid names in error messages and is the allow-list
when a model file names its parts.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def resolve(registry: dict[str, type[T]], spec: Any, kind: str, base: type[T]) -> T:
    """Return an instance for ``spec``: a registered name, or an instance of ``base``.

    >>> from glassnet.activations import ACTIVATIONS, Activation
    >>> resolve(ACTIVATIONS, "relu", "activation", Activation).name
    'relu'
    """
    if isinstance(spec, base):
        return spec
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in registry:
            return registry[key]()
        raise ValueError(
            f"Unknown {kind} {spec!r}. Expected one of: {', '.join(sorted(registry))}."
        )
    raise TypeError(
        f"{kind} must be a name (one of: {', '.join(sorted(registry))}) or a "
        f"{base.__name__} object, but got {type(spec).__name__}: {spec!r}."
    )
