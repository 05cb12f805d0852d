"""Reading YAML input files with user-facing errors: the one YAML reader of every input file.

Input files (the trial counts file, priors files) are plain data that researchers e-mail
to each other, so the reader is stricter than PyYAML's ``safe_load``:

- files larger than :data:`MAX_YAML_BYTES` are refused before parsing;
- anchors and aliases (``&name`` / ``*name``) are refused as soon as the parser meets
  one, so nested aliases that would expand to millions of nodes (the "billion laughs")
  are never expanded; input files have no need for them;
- a key repeated in one mapping is refused with its line (PyYAML would silently keep
  the last value);
- the top level must be a mapping.

:func:`strict_mapping` is the one helper that checks a block's keys (unknown keys are
refused, required keys must be present) for every input file.
"""

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from models.core.errors import InputError

MAX_YAML_BYTES = 1_000_000
"""Largest input YAML file read, in bytes (1 MB); real input files are a few kB."""


class StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's ``SafeLoader`` that refuses aliases and duplicate mapping keys."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ConstructorError(
                None, None,
                f"anchors and aliases are not allowed in input files (found *{event.anchor})",
                event.start_mark,
            )
        if self.check_event(yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent):
            event = self.peek_event()
            if event.anchor is not None:
                raise ConstructorError(
                    None, None,
                    f"anchors and aliases are not allowed in input files (found &{event.anchor})",
                    event.start_mark,
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        if isinstance(node, MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    repeated = key in seen
                except TypeError:  # unhashable: PyYAML's own check refuses it below
                    continue
                if repeated:
                    raise ConstructorError(
                        None, None, f"duplicate key {key!r} (each key may appear once)",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document with :class:`StrictSafeLoader` (``yaml.YAMLError`` on error)."""
    return yaml.load(text, Loader=StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass


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
        If the file is missing, a directory, unreadable, larger than
        :data:`MAX_YAML_BYTES`, not valid YAML, uses anchors/aliases, repeats a key, or
        is not a mapping.
    """
    path = Path(path)
    field = f"{what} {path}"
    if path.is_dir():
        raise InputError(field, "is a directory (expected a YAML file)")
    if not path.is_file():
        raise InputError(field, "does not exist (expected a YAML file)")
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError(field, f"is too large ({size} bytes; at most {MAX_YAML_BYTES} "
                             "bytes (1 MB) are read)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise InputError(field, f"cannot be read: {problem}") from None
    try:
        content = parse_yaml(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(problem, "problem", None) or "cannot be parsed"
        raise InputError(field, f"is not valid YAML{where}: {reason}") from None
    if not isinstance(content, dict):
        raise InputError(field, "must contain a YAML mapping at the top level")
    return content


def kind(value: Any) -> str:
    """The type of a YAML value in words, for messages (``nothing`` for a missing value)."""
    return "nothing" if value is None else type(value).__name__


def strict_mapping(
    value: Any, field: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Check that ``value`` is a mapping with only the allowed keys and every required one.

    Parameters
    ----------
    value
        The parsed YAML block.
    field
        Its dotted path in the file, used in messages (e.g. ``outcomes.remission``).
    required, optional
        The keys that must be present and those that may be.

    Raises
    ------
    InputError
        Naming ``field.key`` for an unknown key (listing the allowed ones) or a missing
        required key, or ``field`` itself when ``value`` is not a mapping.
    """
    if not isinstance(value, dict):
        raise InputError(field, f"must be a mapping, got {kind(value)}")
    allowed = required + optional
    unknown = [key for key in value if key not in allowed]
    if unknown:
        raise InputError(f"{field}.{unknown[0]}",
                         f"is not a known key (allowed: {', '.join(allowed)})")
    missing = [key for key in required if key not in value]
    if missing:
        raise InputError(f"{field}.{missing[0]}", "is missing")
    return value
