"""The user's own procore_nb folders, and snapshots of what they hold: the suite's proof
that it never writes a token, a store or a config file of the person running it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["Snapshot", "snapshot", "user_folders"]

#: What a folder held: each entry's path (relative), kind, size, mode and modification time.
Snapshot = dict[str, tuple[str, int, int, int]]


def user_folders() -> list[Path]:
    """The procore_nb folders of the person running the tests (as the environment names
    them now): config (tokens, config.toml), data (stores), cache, and PROCORE_TOKEN_DIR
    or PROCORE_STORE_DIR when set."""
    folders = [
        Path(platformdirs.user_config_dir("procore_nb", appauthor=False)),
        Path(platformdirs.user_data_dir("procore_nb", appauthor=False)),
        Path(platformdirs.user_cache_dir("procore_nb", appauthor=False)),
    ]
    for name in ("PROCORE_TOKEN_DIR", "PROCORE_STORE_DIR"):
        if os.environ.get(name, "").strip():
            folders.append(Path(os.environ[name].strip()).expanduser())
    return folders


def snapshot(folder: Path) -> Snapshot:
    """Every entry under ``folder`` (nothing when it does not exist)."""
    found: Snapshot = {}
    if not folder.exists():
        return found
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        kind = "dir" if path.is_dir() else "link" if path.is_symlink() else "file"
        found[str(path.relative_to(folder))] = (
            kind,
            0 if kind == "dir" else info.st_size,
            info.st_mode,
            0 if kind == "dir" else info.st_mtime_ns,
        )
    return found
