"""Write files so that a failure never leaves a half-written file or destroys the old one:
write to a temporary file in the same folder, then move it into place (``os.replace``,
atomic on POSIX), so a reader sees the old file or the new one, never a mixture.

Temporary names are unique per process and carry its id (``.<name>.<pid>-<random>.tmp``):
two processes writing the same file at once each write their own temporary and the last
``os.replace`` wins with a complete file. A process that is interrupted (an exception,
Ctrl-C, SIGTERM turned into an exception) removes its temporary on the way out; one that is
killed outright (SIGKILL, power loss) cannot, so every writer first removes the temporaries
that processes no longer running left beside its target (:func:`remove_stale_temporaries`).
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def temporary_prefix(stem: str) -> str:
    """``<stem><pid>-``: the start of this process's temporary names for ``stem``."""
    return f"{stem}{os.getpid()}-"


def process_running(pid: int) -> bool:
    """True when a process with id ``pid`` exists (signal 0 probes without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def remove_stale_temporaries(folder: Path, stem: str) -> list[Path]:
    """Remove the temporary files or folders ``<stem><pid>-*`` in ``folder`` whose process
    ``pid`` is no longer running (left by a killed writer); return what was removed.
    Temporaries of running processes, including this one, are left alone."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        if not entry.name.startswith(stem):
            continue
        pid_text, dash, _ = entry.name[len(stem):].partition("-")
        if not (dash and pid_text.isdigit()) or process_running(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    The folder must exist. On any exception (``KeyboardInterrupt`` included) the temporary
    file is removed and ``path`` is left as it was. Stale temporaries of ``path`` left by
    killed processes are removed first.
    """
    stem = f".{path.name}."
    remove_stale_temporaries(path.parent, stem)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=temporary_prefix(stem),
                                         suffix=".tmp")
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def with_default_mode(path: Path) -> None:
    """Give ``path`` the permissions a new file gets from ``open`` (0666 less the umask):
    temporaries are created private (0600), which suits caches but not a user's output."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def write_text_atomically(text: str, path: Path) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (byte-exact: no newline translation)."""
    with replacing(path) as temporary:
        temporary.write_bytes(text.encode("utf-8"))
