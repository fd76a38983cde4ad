"""Opening the files govkit writes without following a link someone else planted.

An outputs folder may be shared (a web server's folder, a network drive). A symbolic
link left where govkit writes (``run.log`` -> someone's file, the term's lock -> a
victim) must never make govkit write through it: a file is opened with
``O_NOFOLLOW``, and a temporary file is made new (``O_EXCL``), so a link there is
refused, not followed. Finished files are renamed into place (``os.replace``), which
replaces a link rather than writing to what it points at.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

from govkit.errors import OutputError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _refused(path: Path, e: OSError) -> OutputError | OSError:
    if e.errno == errno.ELOOP or (e.errno == errno.EEXIST and path.is_symlink()):
        return OutputError(f"{path}: is a symbolic link; govkit never writes through one "
                           "it did not make: remove it and run again")
    return e


def open_nofollow(path: str | Path, flags: int, mode: int = 0o644) -> int:
    """os.open with O_NOFOLLOW: a link at ``path`` is an OutputError naming it."""
    path = Path(path)
    try:
        return os.open(path, flags | _NOFOLLOW, mode)
    except OSError as e:
        raise _refused(path, e) from None


def create_new(path: str | Path, binary: bool = False) -> IO[Any]:
    """A new file at ``path`` for writing (a temporary file to be renamed into place):
    whatever was there, a stale file or a planted link, is removed first (the link
    itself, never what it points at), and the file is created exclusively."""
    path = Path(path)
    path.unlink(missing_ok=True)
    fd = open_nofollow(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def unlink_link(path: str | Path) -> None:
    """Remove ``path`` if it is a symbolic link (the link, not its target), so the file
    govkit then makes there is its own."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()


def temp_path(path: str | Path, work: str | Path | None = None) -> Path:
    """Where ``path`` is written before it is renamed into place: beside it, or in ``work``
    (a folder on the same file system kept apart from what is published). Hidden, unique
    to this process and call (two writers never share one), ending ``.tmp`` so that what a
    stopped run left is found and removed."""
    path = Path(path)
    return Path(work or path.parent) / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"


@overload
def replacing(path: str | Path, binary: Literal[False] = False,
              work: str | Path | None = None) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def replacing(path: str | Path, binary: Literal[True],
              work: str | Path | None = None) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def replacing(path: str | Path, binary: bool = False,
              work: str | Path | None = None) -> contextlib.AbstractContextManager[IO[Any]]:
    """A new file to write ``path``'s next content into; on a clean exit it replaces
    ``path`` in one rename (a reader sees the old file or the new one, never half; a link
    at ``path`` is replaced, not written through), on an error it is removed and ``path``
    is as it was. The one way govkit writes a file others read."""
    return _replacing(Path(path), binary, work)


@contextlib.contextmanager
def _replacing(path: Path, binary: bool, work: str | Path | None) -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if work is not None:
        Path(work).mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path, work)
    try:
        with create_new(tmp, binary) as f:
            yield f
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: str | Path, content: str | bytes, work: str | Path | None = None) -> Path:
    """Write ``content`` to ``path`` all at once (see ``replacing``); returns the path."""
    path = Path(path)
    if isinstance(content, bytes):
        with replacing(path, binary=True, work=work) as fb:
            fb.write(content)
    else:
        with replacing(path, work=work) as f:
            f.write(content)
    return path
