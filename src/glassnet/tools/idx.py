"""MNIST's IDX arrays: ``load_idx`` reads the plain or gzip-compressed format
(also reachable as ``glassnet.tools.readers.load_idx`` and ``gn.datasets.load_idx``)."""

from __future__ import annotations

import gzip
import os

import numpy as np

#: IDX type byte → NumPy dtype (big-endian, as the format stores them)
_IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


def load_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (MNIST's format), plain or gzip-compressed.

    Layout: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions d, then d
    big-endian uint32 sizes and the data in C order. Returns the array in
    native byte order, e.g. (60000, 28, 28) uint8 for MNIST's training images.
    """
    path = os.fspath(path)
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_TYPES:
        raise ValueError(
            f"{path} is not an IDX file: it should start with two zero bytes and a type byte "
            f"in {sorted(hex(k) for k in _IDX_TYPES)}, but starts with {raw[:4]!r}."
        )
    dtype, ndim = _IDX_TYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"{path} ends inside its header ({ndim} dimension sizes expected).")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header_size != expected:
        raise ValueError(
            f"{path} declares shape {shape} of {dtype.newbyteorder('=').name} "
            f"({expected} bytes of data) but holds {len(raw) - header_size} bytes after its header."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))
