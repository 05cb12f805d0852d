"""Inline ```{python} expr``` expressions in markdown, evaluated as Quarto evaluates them.

Reading the .qmd turns each markdown cell that has inline expressions into a hidden code
cell (:func:`inline_source`) that displays the expressions' values, formatted by IPython's
display formatter as Quarto gets them from the kernel's ``user_expressions``. After
execution, :func:`resolve_inline_cells` puts the values back into the markdown text.
"""

import ast
import re
from collections.abc import Mapping
from typing import Any

from models.report.render.errors import RenderError

# `{python} expr` in markdown, the pattern Quarto itself uses.
INLINE_EXPRESSION = re.compile(r"(^|[^`])`\{python\}[ \t]([^`]+)`", re.MULTILINE)
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~^@&:])")
"""Characters pandoc's Markdown could read as markup, a citation or cross-reference (``@``),
an entity (``&``) or a bare link (``:``); inline strings have each one backslash-escaped."""

# Metadata key holding the markdown text of a cell turned into inline code, and the mime
# type under which that code displays the values.
INLINE_KEY = "reanalysis-inline-markdown"
INLINE_MIME = "application/vnd.reanalysis.inline+json"


def inline_expressions(markdown: str) -> list[str]:
    """The inline expressions of ``markdown``, in order (code only, stripped)."""
    return [match.group(2).strip() for match in INLINE_EXPRESSION.finditer(markdown)]


def inline_source(expressions: list[str]) -> str:
    """Code that evaluates inline expressions and displays their mime bundles as JSON.

    Each value is formatted by IPython's display formatter, exactly as Quarto gets it from
    the kernel's ``user_expressions``; :func:`resolve_inline_cells` turns them into text.
    """
    values = "".join(f"        {expression},\n" for expression in expressions)
    return (
        "__import__('IPython').display.display({\n"
        f"    {INLINE_MIME!r}: [\n"
        "        __import__('IPython').get_ipython().display_formatter.format(value)[0]\n"
        "        for value in (\n"
        f"{values}"
        "        )\n"
        "    ]\n"
        "}, raw=True)"
    )


def resolve_inline_cells(notebook: Any) -> None:
    """Put the values of inline expressions back into their markdown cells, in place.

    ``notebook`` is an executed ``nbformat`` notebook; raises :class:`RenderError` when a
    cell of inline expressions displayed no values.
    """
    from nbformat.v4 import new_markdown_cell

    for index, cell in enumerate(notebook.cells):
        markdown = cell.get("metadata", {}).get(INLINE_KEY)
        if markdown is None:
            continue
        bundles = next(
            (output["data"][INLINE_MIME] for output in cell.get("outputs", [])
             if INLINE_MIME in output.get("data", {})),
            None,
        )
        if bundles is None:
            raise RenderError(f"inline expressions in markdown cell {index} produced no value")
        texts = [inline_text(bundle) for bundle in bundles]
        notebook.cells[index] = new_markdown_cell(substitute_inline(markdown, texts))


def substitute_inline(markdown: str, texts: list[str]) -> str:
    """Replace the inline expressions of ``markdown``, in order, with ``texts``."""
    values = iter(texts)
    return INLINE_EXPRESSION.sub(lambda match: match.group(1) + next(values), markdown)


def inline_text(bundle: Mapping[str, Any]) -> str:
    """Markdown for one inline value, following Quarto's rules.

    ``text/markdown`` (e.g. ``IPython.display.Markdown``) is used as is; a ``str`` value is
    inserted as literal text (markdown characters escaped); anything else as its
    ``text/plain`` repr (so format numbers yourself: ``f"{p:.2f}"``).
    """
    if "text/markdown" in bundle:
        return _joined(bundle["text/markdown"])
    plain = _joined(bundle.get("text/plain", ""))
    if plain[:1] in ("'", '"'):
        try:
            value = ast.literal_eval(plain)
        except (ValueError, SyntaxError):
            value = None
        if isinstance(value, str):
            return MARKDOWN_SPECIALS.sub(r"\\\1", value)
    return plain


def _joined(data: str | list[str]) -> str:
    """Notebook text fields may be a string or a list of lines."""
    return data if isinstance(data, str) else "".join(data)
