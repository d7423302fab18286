"""Reading a user's file safely: regular files only, never more than a stated size."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from simulator.errors import HuikuanError, Problem


def read_limited(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of `path`, refusing anything but a regular file of at most `limit` bytes.

    A FIFO would block the reader forever and /dev/zero never ends, so the file is checked
    before it is opened, opened without blocking, checked again (it may have been swapped),
    and read no further than the limit.
    """
    source = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise HuikuanError(Problem(source, f"cannot read: {exc.strerror}")) from None
    if stat.S_ISDIR(info.st_mode):
        raise HuikuanError(Problem(source, f"is a directory, not a {what}"))
    if not stat.S_ISREG(info.st_mode):
        raise HuikuanError(Problem(source, f"not a regular file (a device or pipe), not a {what}"))
    if info.st_size > limit:
        raise HuikuanError(
            Problem(source, f"{what} is {info.st_size:,} bytes; the limit is {limit:,}")
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise HuikuanError(Problem(source, f"cannot read: {exc.strerror}")) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise HuikuanError(Problem(source, f"not a regular file, not a {what}"))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise HuikuanError(Problem(source, f"{what} is larger than {limit:,} bytes"))
    return data
