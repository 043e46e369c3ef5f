"""Entries in the user's cache folder: JSON data only, served only when trusted.

An entry is read only when the folder and the file belong to this user and nobody else may
write them, the file is a regular file of bounded size (not a link), and the key it records is
the key the caller computed from what the entry was made of. Anything else is ignored (and
rebuilt by the caller): a cache only ever costs or saves time, never changes an answer.
Writes are atomic (a temporary file renamed over the entry) and never fail the command.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cartplan.sources.files import MiB

ENTRY_LIMIT = 16 * MiB  # a cache entry larger than this is not ours


def trusted(st: os.stat_result) -> bool:
    """Ours, and nobody else may write it (where the system knows users at all)."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def read_entry(file: Path, key: str, field: str = "data") -> Any | None:
    """The data stored under `key` in `file` (in `field` of the entry), or None when missing,
    foreign, damaged or stale."""
    import json
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        folder = os.stat(file.parent, follow_symlinks=False)
        if not stat.S_ISDIR(folder.st_mode) or not trusted(folder):
            return None
        fd = os.open(file, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not trusted(st) or st.st_size > ENTRY_LIMIT:
            return None
        raw = f.read(ENTRY_LIMIT + 1)
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get(field)


def write_entry(file: Path, key: str, data: Any, field: str = "data") -> None:
    """Store `data` under `key`; a cache folder that cannot be written or trusted is left alone."""
    import json
    import secrets
    import stat

    tmp = file.with_name(f".{file.name}.{secrets.token_hex(6)}.tmp")
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = os.stat(file.parent, follow_symlinks=False)
        if not stat.S_ISDIR(folder.st_mode) or not trusted(folder):
            return
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"key": key, field: data}, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, file)
    except OSError:
        pass  # a read-only or foreign cache only costs speed
    finally:
        try:
            tmp.unlink(missing_ok=True)  # gone after the rename; left by a failure or interrupt
        except OSError:
            pass
