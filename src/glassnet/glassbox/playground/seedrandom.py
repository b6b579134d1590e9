"""seedrandom's ARC4 generator, as ``Math.seedrandom(seed)`` seeds it from a string.

TensorFlow Playground calls ``Math.seedrandom(state.seed)`` (David Bau's
seedrandom 2.4) and then draws every random number of the page from
``Math.random``: the data, the shuffle, the initial weights. This module is that
generator, written here from a reading of seedrandom.js (Copyright 2014 David
Bau, MIT License):

1. **Key.** The seed string is mixed into a key of at most 256 bytes
   (``mixkey``): for each UTF-16 code unit c_j of the seed,
   ``smear ^= 19·key[j mod 256];  key[j mod 256] = (smear + c_j) mod 256``.
2. **ARC4.** The standard RC4 key schedule on that key (an empty key is [0]),
   then the first 256 output bytes are thrown away (RC4-drop[256]).
3. **Doubles.** ``random()`` takes six output bytes as a numerator
   n < 2⁴⁸ over d = 2⁴⁸, appends bytes until n ≥ 2⁵², then shifts right until
   n < 2⁵³ and returns (n + x) / d: a double in [0, 1) with every bit of the
   mantissa random.

>>> rng = SeedRandom("hello.")          # seedrandom's own test vector
>>> rng.random()
0.9282578795792454
>>> rng.random()
0.3752569768646784
"""

from __future__ import annotations

import numpy as np

WIDTH = 256  # each ARC4 output is a byte, 0 <= x < 256
CHUNKS = 6  # at least six bytes for each double
START_DENOM = WIDTH**CHUNKS  # 2⁴⁸
SIGNIFICANCE = 2**52  # the 52 significant bits of a double
OVERFLOW = 2**53
MASK = WIDTH - 1


def mix_key(seed: str) -> list[int]:
    """The ARC4 key seedrandom's ``mixkey`` makes from a seed string (≤ 256 bytes).

    ``smear ^= 19·key[j mod 256];  key[j mod 256] = (smear + c_j) mod 256``, over
    the seed's UTF-16 code units c_j (JavaScript's ``charCodeAt``); an entry not
    yet set counts as 0.
    """
    units = seed.encode("utf-16-le", "surrogatepass")
    codes = [units[k] | (units[k + 1] << 8) for k in range(0, len(units), 2)]
    key: list[int] = []
    smear = 0
    for j, code in enumerate(codes):
        slot = j & MASK
        old = key[slot] if slot < len(key) else 0
        smear ^= old * 19
        value = MASK & (smear + code)
        if slot < len(key):
            key[slot] = value
        else:
            key.append(value)
    return key


class SeedRandom:
    """``Math.random`` after ``Math.seedrandom(seed)``: ARC4 keyed by ``seed``.

    Parameters
    ----------
    seed : the seed string, exactly as Playground passes it (``"0.59454"``).

    ``random()`` is ``Math.random()``; ``quick()`` and ``int32()`` are
    seedrandom's 32-bit variants (used by its published test vectors).
    """

    def __init__(self, seed: str):
        if not isinstance(seed, str):
            raise TypeError(
                f"The seed must be a string, as Playground's URL gives it (seed=0.59454), "
                f"but got {type(seed).__name__} {seed!r}."
            )
        self.seed = seed
        key = mix_key(seed) or [0]  # the empty key [] is treated as [0]
        s = list(range(WIDTH))
        j = 0
        for i in range(WIDTH):
            j = MASK & (j + key[i % len(key)] + s[i])
            s[i], s[j] = s[j], s[i]
        self.S, self.i, self.j = s, 0, 0
        self.g(WIDTH)  # RC4-drop[256]

    def g(self, count: int) -> int:
        """The next ``count`` ARC4 output bytes as one integer, first byte most significant."""
        s, i, j = self.S, self.i, self.j
        r = 0
        for _ in range(count):
            i = MASK & (i + 1)
            t = s[i]
            j = MASK & (j + t)
            s[i] = s[j]
            s[j] = t
            r = r * WIDTH + s[MASK & (s[i] + t)]
        self.i, self.j = i, j
        return r

    def random(self) -> float:
        """A double in [0, 1), as seedrandom's ``prng()`` (``Math.random``) returns it.

        n = six bytes, d = 2⁴⁸; while n < 2⁵²: n = 256 (n + x), d = 256 d, x = next
        byte; while n ≥ 2⁵³: halve n, d and x; return (n + x) / d.
        """
        n = self.g(CHUNKS)
        d = START_DENOM
        x = 0
        while n < SIGNIFICANCE:
            n = (n + x) * WIDTH
            d *= WIDTH
            x = self.g(1)
        while n >= OVERFLOW:
            n //= 2  # n is even here: (n + x)·256 halved at most eight times
            d //= 2
            x >>= 1
        return (n + x) / d  # both below 2⁵³ in magnitude where it matters: exact, then rounded once

    def random_array(self, count: int) -> np.ndarray:
        """The next ``count`` values of :meth:`random`, in draw order, as float64."""
        return np.array([self.random() for _ in range(count)], dtype=np.float64)

    def quick(self) -> float:
        """seedrandom's ``prng.quick()``: four bytes / 2³² (32 bits of randomness)."""
        return self.g(4) / 0x100000000

    def int32(self) -> int:
        """seedrandom's ``prng.int32()``: four bytes as a signed 32-bit integer."""
        r = self.g(4)
        return r - 0x100000000 if r >= 0x80000000 else r

    def __repr__(self) -> str:
        return f"SeedRandom({self.seed!r})"
