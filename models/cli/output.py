"""Checking a file path given on the command line for a verb to write, before any work."""

from pathlib import Path

from models.core.errors import InputError


def output_file(text: str | None, flag: str, default: Path) -> Path:
    """The file a verb writes: ``default`` when ``flag`` is absent, else the path given.

    A given path is refused with an ``InputError`` naming ``flag`` when it is a directory
    or its folder does not exist, so a mistyped path fails at once, before anything is
    computed or any file is replaced.
    """
    if not text:
        return default
    out = Path(text)
    if out.is_dir():
        raise InputError(flag, f"must be a file path, got the directory {out}")
    if not out.parent.is_dir():
        raise InputError(flag, f"must be in an existing folder, got {out} ({out.parent} "
                         "does not exist)")
    return out
