"""Write files so that a failure never leaves a half-written file or destroys the old one:
write to a temporary file in the same folder, then move it into place (``os.replace``)."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    The folder must exist. On any exception the temporary file is removed and ``path``
    is left as it was.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_text_atomically(text: str, path: Path) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (byte-exact: no newline translation)."""
    with replacing(path) as temporary:
        temporary.write_bytes(text.encode("utf-8"))
