"""Quarto's conditional content for the fallback renderer.

The report hides the parts a trial cannot fill (no individual data, no counts, no
published estimates) with Quarto's own syntax, ``::: {.content-hidden when-meta="KEY"}``
... ``:::``, and the render passes the keys as metadata (``quarto render -M KEY:true``).
Such a block spans several notebook cells, which pandoc's ipynb reader reads one by one,
so the fallback applies the conditions to the .qmd text before it becomes a notebook: a
hidden block is removed with the code chunks inside it (they are not executed), a shown
one loses only its two fence lines. Only ``content-hidden`` / ``content-visible`` with
``when-meta`` or ``unless-meta`` are handled, the constructs the report uses.
"""

import re
from collections.abc import Mapping

OPENING = re.compile(
    r'^:::+\s*\{\s*\.(?P<kind>content-hidden|content-visible)\s+'
    r'(?P<test>when-meta|unless-meta)="(?P<key>[A-Za-z0-9_.-]+)"\s*\}\s*$')
FENCE = re.compile(r"^:::+\s*(\{.*\}|[A-Za-z].*)?\s*$")
CLOSING = re.compile(r"^:::+\s*$")
CHUNK = re.compile(r"^```")


def _shown(kind: str, test: str, value: bool) -> bool:
    """Whether a conditional block is shown for a metadata value."""
    condition = value if test == "when-meta" else not value
    return not condition if kind == "content-hidden" else condition


def apply_conditions(text: str, metadata: Mapping[str, object]) -> str:
    """``text`` with every conditional block resolved against ``metadata`` (a missing key
    is false). Fences inside code chunks are left alone; other fenced divs nest."""
    out: list[str] = []
    stack: list[tuple[bool, bool]] = []  # (is a condition, shown)
    in_chunk = False
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\n")
        hidden = any(not shown for _, shown in stack)
        if CHUNK.match(stripped):
            in_chunk = not in_chunk
        elif not in_chunk:
            opening = OPENING.match(stripped)
            if opening:
                value = bool(metadata.get(opening["key"], False))
                stack.append((True, _shown(opening["kind"], opening["test"], value)))
                continue
            if CLOSING.match(stripped) and stack:
                is_condition, _ = stack.pop()
                if is_condition:
                    continue
            elif FENCE.match(stripped):
                stack.append((False, True))
        if not hidden:
            out.append(line)
    if stack and any(is_condition for is_condition, _ in stack):
        raise ValueError("a conditional block (content-hidden/-visible) is not closed")
    return "".join(out)
