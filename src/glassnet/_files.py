"""Files that are either written whole or not at all.

:func:`atomic_write` writes into a temporary file beside the target and moves it
over the target only once the body has finished: an interrupted write leaves
the old file as it was. The model files, HTML reports, spreadsheets, plots and
exported scripts are all written through it.

:func:`check_not_inputs` refuses to write onto a file the same command reads,
by file identity (device and inode), not by spelling: ``./x/../data.csv``, a
hard link and a symbolic link all reach the same file. GNU ``cp x x`` refuses
the same way ("are the same file"). ``atomic_write(path, protect=inputs)``
applies it before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

PathLike = str | os.PathLike


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether ``a`` and ``b`` name one existing file (st_dev and st_ino, links followed).

    A path that does not exist (yet) is the same file as nothing.
    """
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # missing file, NUL in the name, a name too long
        return False


def check_not_inputs(
    path: PathLike, inputs: Iterable[PathLike | None], what: str = "the output"
) -> None:
    """Refuse, with a ValueError of one sentence, to write ``path`` onto one of ``inputs``.

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp(); data = os.path.join(d, "data.csv")
    >>> with open(data, "w") as f:
    ...     _ = f.write("x")
    >>> same_file(os.path.join(d, ".", "data.csv"), data)
    True
    >>> check_not_inputs(os.path.join(d, "new.csv"), [data])  # a new file: fine
    """
    for source in inputs:
        if source is not None and same_file(path, source):
            same = os.fspath(path) == os.fspath(source)
            how = "" if same else f" {os.fspath(source)!r}"
            raise ValueError(
                f"Refusing to write {what} {os.fspath(path)!r}: it is the same file as the "
                f"input{how}, which it would replace. Give the output another name."
            )


@contextlib.contextmanager
def atomic_write(
    path: PathLike,
    mode: str = "wb",
    encoding: str | None = None,
    protect: Iterable[PathLike | None] = (),
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success move it over ``path``.

    If the body raises, the temporary file is removed and ``path`` is untouched.
    ``protect``: files ``path`` must not be (see :func:`check_not_inputs`).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_write(p, "w") as f:
    ...     _ = f.write("done")
    >>> p.read_text()
    'done'
    """
    path = os.fspath(path)
    check_not_inputs(path, protect)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"Cannot write {path!r}: the directory {directory!r} does not exist.")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        os.chmod(tmp, _file_mode(path))
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _file_mode(path: str) -> int:
    """The existing file's permissions, or 0666 less the umask for a new file."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
