"""Output files: written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cartplan.errors import OutputError


def write_atomic(files: Mapping[Path, bytes]) -> None:
    """Write every file or none: each goes to a temporary file first, then all are renamed."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            staged.append((Path(name), path))
        for staged_file, path in staged:
            os.replace(staged_file, path)
    except OSError as e:
        for staged_file, _ in staged:
            staged_file.unlink(missing_ok=True)
        raise OutputError(f"cannot write {e.filename or 'calendar'}: {e.strerror or e}") from None
