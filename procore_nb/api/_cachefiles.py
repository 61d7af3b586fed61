"""The filesystem checks of the token cache, as ssh makes them of ``~/.ssh``.

A token file or folder is refused (never read through, never chmodded) when it is a
symbolic link, not the kind of entry expected, or owned by another user; a folder also
when group or others may write to it. Files are opened with ``O_NOFOLLOW`` where the
platform has it, so that one swapped for a symlink after the check is not read either.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["fsync_directory", "probe_writable", "read_private_json", "unsafe"]

log = logging.getLogger("procore_nb.api._tokens")


def _kind_problem(info: os.stat_result, *, folder: bool) -> str:
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link (tokens are never read or written through one)"
    if folder:
        return "" if stat.S_ISDIR(info.st_mode) else "it is not a folder"
    if stat.S_ISDIR(info.st_mode):
        return "it is a folder"
    return "" if stat.S_ISREG(info.st_mode) else "it is not a regular file"


def read_private_json(path: Path, *, mode: int) -> Any:
    """The JSON in ``path``, not followed if it became a symlink, narrowed to ``mode`` first.

    Raises ``OSError`` or ``ValueError`` (``log`` them and move on: the caller decides).
    """
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        current = stat.S_IMODE(os.fstat(fh.fileno()).st_mode)
        if current & 0o077:
            # Ours, but someone widened it; narrow it before reading the secrets in it.
            log.warning("Token cache file %s had mode %o; setting it to %o.", path, current, mode)
            os.fchmod(fh.fileno(), mode)
        return json.loads(fh.read(_MAX_FILE).decode("utf-8"))


def probe_writable(directory: Path) -> None:
    """Raise ``OSError`` if no file can be created in ``directory``."""
    fd, probe = tempfile.mkstemp(prefix=".probe-", dir=directory)
    os.close(fd)
    os.unlink(probe)


#: os.O_NOFOLLOW where the platform has it: a file swapped for a symlink is not read.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: A token file is a few hundred bytes; read no more than this of whatever is there.
_MAX_FILE = 1 << 20


def unsafe(info: os.stat_result, *, folder: bool) -> str:
    """Why a token file or folder with ``info`` (from ``lstat``) must not be used.

    ``""`` when it may be used.
    """
    problem = _kind_problem(info, folder=folder)
    if problem:
        return problem
    getuid = getattr(os, "getuid", None)
    if getuid is not None and info.st_uid != getuid():
        return f"it belongs to another user (uid {info.st_uid})"
    if folder and stat.S_IMODE(info.st_mode) & 0o022:
        return f"group or others may write to it (mode {stat.S_IMODE(info.st_mode):o})"
    return ""


def fsync_directory(directory: Path) -> None:
    # Makes the rename durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
