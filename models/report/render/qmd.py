"""Reading a .qmd into a notebook papermill can execute: front matter, chunks, cell options.

jupytext's R Markdown reader splits the chunks (its own qmd format needs the quarto binary).
Each code cell's leading ``#|`` options are parsed as YAML, removed from the source (as
Quarto does) and kept in the cell metadata under :data:`OPTIONS_KEY` for the Lua filter
``reports/assets/quarto-compat.lua``.
"""

import re
from typing import Any

import yaml

from models.report.render.errors import RenderError
from models.report.render.inline import INLINE_KEY, inline_expressions, inline_source
from models.report.render.kernel import KERNEL_DISPLAY_NAME, KERNEL_NAME

# Cell metadata key of the parsed ``#|`` options (read by the Lua filter).
OPTIONS_KEY = "quarto-options"
CELL_OPTION_LINE = re.compile(r"^#\s*\| ?")


def read_qmd(text: str) -> tuple[dict[str, Any], Any]:
    """Read a .qmd into (front matter, ``nbformat`` notebook ready for papermill).

    The cell with ``tags: [parameters]`` gets papermill's "parameters" tag. Markdown cells
    with inline ``{python}`` expressions become hidden code cells that evaluate them in
    order (:mod:`models.report.render.inline`).
    """
    import jupytext

    notebook = jupytext.reads(text, fmt="Rmd")
    front_matter: dict[str, Any] = {}
    if notebook.cells and notebook.cells[0].cell_type == "raw":
        front_matter = parse_front_matter(notebook.cells[0].source)
        if front_matter or notebook.cells[0].source.startswith("---"):
            notebook.cells.pop(0)
    notebook.cells = [_prepare_cell(cell) for cell in _merge_markdown(notebook.cells)]
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return front_matter, notebook


def parse_front_matter(raw: str) -> dict[str, Any]:
    """YAML between the leading ``---`` lines of a .qmd (empty dict if there is none)."""
    lines = raw.strip().splitlines()
    if len(lines) < 2 or lines[0].strip() != "---" or lines[-1].strip() not in ("---", "..."):
        return {}
    try:
        loaded = yaml.safe_load("\n".join(lines[1:-1]))
    except yaml.YAMLError as exc:
        raise RenderError(f"the report's front matter is not valid YAML: {exc}") from None
    return loaded if isinstance(loaded, dict) else {}


def cell_options(source: str) -> tuple[dict[str, Any], str]:
    """Split a code cell into its ``#|`` options (parsed as YAML) and the remaining code."""
    lines = source.splitlines()
    option_lines: list[str] = []
    for line in lines:
        match = CELL_OPTION_LINE.match(line)
        if not match:
            break
        option_lines.append(line[match.end():])
    if not option_lines:
        return {}, source
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"invalid #| options {option_lines!r}: {exc}") from None
    if not isinstance(options, dict):
        raise RenderError(f"#| options must be 'key: value' lines, got {option_lines!r}")
    return options, "\n".join(lines[len(option_lines):])


def _merge_markdown(cells: list[Any]) -> list[Any]:
    """Join consecutive markdown cells: jupytext splits them at double blank lines, which
    would cut a ``:::`` callout (or a paragraph with inline expressions) in two."""
    merged: list[Any] = []
    for cell in cells:
        if merged and cell.cell_type == "markdown" and merged[-1].cell_type == "markdown":
            merged[-1].source = f"{merged[-1].source}\n\n\n{cell.source}"
        else:
            merged.append(cell)
    return merged


def _prepare_cell(cell: Any) -> Any:
    """Give one jupytext cell what papermill and the Lua filter need (see :func:`read_qmd`)."""
    from nbformat.v4 import new_code_cell

    if cell.cell_type == "markdown":
        expressions = inline_expressions(cell.source)
        if not expressions:
            return cell
        return new_code_cell(
            inline_source(expressions),
            metadata={INLINE_KEY: cell.source, OPTIONS_KEY: {"echo": False}},
        )
    if cell.cell_type != "code":
        return cell
    options, code = cell_options(cell.source)
    cell.source = code
    cell.metadata[OPTIONS_KEY] = options
    tags = options.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if tags:
        cell.metadata["tags"] = list(dict.fromkeys([*cell.metadata.get("tags", []), *tags]))
    return cell
