"""Input and output files.

Inputs are regular files of bounded size, checked before the first byte is read: /dev/zero, a
FIFO or a folder is refused at once instead of being read until memory runs out or forever.

Outputs are written whole or not at all, as one set: every regular file is staged beside its
target, then all are renamed over their targets; if one rename fails, the ones already made are
undone. A target that is a character device or a FIFO (/dev/null, /dev/stdout, a pipe) is written
through, never replaced; other special files are refused. Temporary files never outlive the call,
and new files get mode 0666 minus the umask (calendars and checklists are not secret).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from cartplan.errors import InputError, Interrupted, OutputError

KiB, MiB = 1 << 10, 1 << 20
INPUT_LIMIT = 1 * MiB  # patient, closures and protocol files
SECRET_LIMIT = 4 * KiB  # password files
PREVIOUS_LIMIT = 16 * MiB  # an earlier calendar read for its SEQUENCE numbers


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n // MiB} MiB" if n >= MiB else f"{n // KiB} KiB"


def read_input(path: Path, limit: int = INPUT_LIMIT, label: str | None = None) -> bytes:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes.

    The file is opened without blocking (a FIFO would wait for a writer) and checked with fstat
    before anything is read. Problems are InputErrors starting with `label` (default: the path).
    """
    where = label if label is not None else str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise InputError(f"{where}: cannot read ({e.strerror or e.__class__.__name__})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{where}: {_kind(st.st_mode)}, not a regular file; give a file")
        if st.st_size > limit:
            raise InputError(f"{where}: {st.st_size} bytes; files up to {_size(limit)} are read")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(1 << 16, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew after fstat
                raise InputError(f"{where}: larger than {_size(limit)}; files up to that are read")
        return b"".join(chunks)
    except OSError as e:
        raise InputError(f"{where}: cannot read ({e.strerror or e.__class__.__name__})") from None
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = INPUT_LIMIT, label: str | None = None) -> str:
    """`read_input` decoded as UTF-8; other bytes are an InputError that does not show them."""
    data = read_input(path, limit, label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        where = label if label is not None else str(path)
        raise InputError(f"{where}: not UTF-8 text (byte {e.start + 1} is not UTF-8)") from None


class _Held:
    """Signals that arrived while held; `check` turns the first into an Interrupted."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def note(self, signum: int, _frame: object) -> None:
        self.signum = self.signum or signum

    def check(self) -> None:
        if self.signum is not None:
            raise Interrupted(self.signum)


@contextmanager
def _signals_held() -> Iterator[_Held]:
    """SIGINT and SIGTERM are noted, not acted on, until the caller checks (main thread only)."""
    import signal
    import threading

    held = _Held()
    previous: dict[signal.Signals, object] = {}
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM):
            previous[s] = signal.signal(s, held.note)
    try:
        yield held
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)  # type: ignore[arg-type]


def _target(path: Path) -> tuple[Path, bool]:
    """Where to write `path` (symbolic links followed) and whether to write through it.

    Regular files and new names are replaced; character devices and FIFOs are written through;
    anything else is refused before any file is touched.
    """
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real, False
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None
    if stat.S_ISREG(st.st_mode):
        return real, False
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return real, True
    raise OutputError(f"cannot write {path}: it is {_kind(st.st_mode)}; refusing to replace it")


def _write_through(path: Path, data: bytes) -> None:
    """Write into a device or FIFO as it is; a FIFO nobody reads is an error, not a hang."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        import errno

        why = "it is a FIFO nobody reads from" if e.errno == errno.ENXIO else e.strerror or e
        raise OutputError(f"cannot write {path}: {why}") from None
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a slow reader is waited for; only opening must not block
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        os.close(fd)


def _temp_beside(path: Path) -> Path:
    import secrets

    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _stage(tmp: Path, data: bytes) -> None:
    """A new file holding `data`; mode 0666 minus the umask, as for any new file."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _backup(path: Path, spares: list[Path]) -> Path | None:
    """A hard link to the file about to be replaced (None when there is none yet)."""
    if not path.exists():
        return None
    spare = _temp_beside(path)
    spares.append(spare)
    try:
        os.link(path, spare)
    except OSError:  # no hard links on this file system: keep a copy
        _stage(spare, path.read_bytes())
    return spare


def write_atomic(files: Mapping[Path, bytes]) -> None:
    """Write every file or none (see the module notes); OutputError says which and why."""
    targets = {path: _target(path) for path in files}
    for path, data in files.items():
        real, through = targets[path]
        if through:  # a stream, not a file: nothing to stage or roll back
            _write_through(real, data)
    staged = [(path, targets[path][0]) for path in files if not targets[path][1]]
    temps: list[Path] = []
    spares: list[Path] = []
    done: list[tuple[Path, Path | None]] = []
    current = None
    with _signals_held() as held:
        try:
            for path, real in staged:
                current = path
                real.parent.mkdir(parents=True, exist_ok=True)
                tmp = _temp_beside(real)
                temps.append(tmp)
                _stage(tmp, files[path])
                held.check()
            for tmp, (path, real) in zip(temps, staged, strict=True):
                current = path
                backup = _backup(real, spares)
                os.replace(tmp, real)
                done.append((real, backup))
            held.check()  # an interrupt up to here leaves the old files
        except OSError as e:
            problem = _rollback(done)
            raise OutputError(
                f"cannot write {current}: {e.strerror or e}; " + (problem or "no file was changed")
            ) from None
        except BaseException:
            _rollback(done)
            raise
        finally:
            for leftover in (*temps, *spares):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:
                    pass
    _sync_folders({real.parent for _, real in staged})
    held.check()  # arrived while cleaning up: the files are complete, but the user said stop


def _rollback(done: list[tuple[Path, Path | None]]) -> str | None:
    """Put back what was replaced, last first; a problem doing so is returned, not raised."""
    failed = []
    for real, backup in reversed(done):
        try:
            if backup is None:
                real.unlink(missing_ok=True)
            else:
                os.replace(backup, real)
        except OSError:
            failed.append(str(real))
    return f"could not restore {', '.join(failed)}" if failed else None


def _sync_folders(folders: set[Path]) -> None:
    """Make the renames durable (best effort: not every system can sync a folder)."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
