"""Reading YAML input files with user-facing errors (PyYAML ``safe_load``)."""

from pathlib import Path
from typing import Any

import yaml

from models.core.errors import InputError


def read_yaml_mapping(path: Path | str, what: str) -> dict[str, Any]:
    """Parse a YAML file whose top level must be a mapping.

    Parameters
    ----------
    path
        The file to read.
    what
        A short name for the file in messages (e.g. ``"priors file"``).

    Raises
    ------
    InputError
        If the file is missing, unreadable, not valid YAML, or not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} {path}", "does not exist (expected a YAML file)")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(problem, "problem", None) or "cannot be parsed"
        raise InputError(f"{what} {path}", f"is not valid YAML{where}: {reason}") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise InputError(f"{what} {path}", f"cannot be read: {problem}") from None
    if not isinstance(content, dict):
        raise InputError(f"{what} {path}", "must contain a YAML mapping at the top level")
    return content
