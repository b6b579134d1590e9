"""Memory guards: refuse up front what would not fit, instead of crashing later.

A network holds its parameters and their gradients (2 × n_params numbers),
and an optimizer up to two more arrays of the same size (Adam's m and v).
Training a batch keeps, per layer, its input, z, a and δ: about
4 × batch_rows × Σ n_units numbers. Both are compared with the memory the
operating system reports as available.
"""

from __future__ import annotations

import os

#: never refuse below this, whatever the OS reports (small nets must always work)
MIN_BUDGET_BYTES = 256 * 2**20


def available_bytes() -> int | None:
    """Physical memory currently available, or None where the OS does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024:
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} PiB"


def check_fits(needed: int, what: str, advice: str) -> None:
    """Raise MemoryError with the estimate when ``needed`` bytes exceed what is available."""
    available = available_bytes()
    if available is None or needed <= max(available, MIN_BUDGET_BYTES):
        return
    raise MemoryError(
        f"{what} would need about {format_bytes(needed)}, but only {format_bytes(available)} "
        f"of memory is available. {advice}"
    )
