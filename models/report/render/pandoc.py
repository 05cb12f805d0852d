"""pandoc's part of the fallback: the executed notebook to one self-contained HTML file.

pandoc (from ``pypandoc-binary``) reads the notebook with the Pandoc-markdown features
Quarto documents rely on, writes standalone HTML with every resource embedded and MathML
for math; the Lua filter ``reports/assets/quarto-compat.lua`` and ``reports/assets/report.css``
stand in for the Quarto features the report uses (numbering, cross-references, callouts,
hidden and folded code).
"""

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from models.core.paths import REPORTS_DIR
from models.report.render.config import html_option
from models.report.render.errors import RenderError

ASSETS_DIR = REPORTS_DIR / "assets"
LUA_FILTER = ASSETS_DIR / "quarto-compat.lua"
CSS_FILE = ASSETS_DIR / "report.css"

# pandoc reads the executed notebook's markdown cells with the Pandoc-markdown features
# Quarto documents rely on (the ipynb reader's default set lacks divs, citations, ...).
PANDOC_READER = "+".join([
    "ipynb",
    "fenced_divs",
    "bracketed_spans",
    "citations",
    "header_attributes",
    "footnotes",
    "smart",
    "link_attributes",
    "superscript",
    "subscript",
    "definition_lists",
])

# Front matter keys handed to pandoc's HTML template.
DOCUMENT_METADATA = (
    "title", "subtitle", "author", "date", "abstract", "description", "keywords", "lang",
    "toc-title",
)


def write_html(
    notebook: Path, html: Path, config: Mapping[str, Any], *, resource_dir: Path, stem: str
) -> None:
    """Write one self-contained HTML file from the executed notebook.

    ``config`` is the merged document configuration (:mod:`models.report.render.config`);
    images are looked up in ``resource_dir`` (the report's folder) and the assets folder.
    pandoc's warnings are passed on to stderr; a failure raises :class:`RenderError`.
    """
    import pypandoc

    metadata_file = html.with_suffix(".metadata.yml")
    metadata_file.write_text(
        yaml.safe_dump(pandoc_metadata(config, stem), allow_unicode=True), encoding="utf-8"
    )
    command = [
        pypandoc.get_pandoc_path(), str(notebook),
        "--from", PANDOC_READER, "--to", "html5",
        "--standalone", "--embed-resources", "--mathml",
        "--lua-filter", str(LUA_FILTER), "--css", str(CSS_FILE),
        "--metadata-file", str(metadata_file),
        "--resource-path", os.pathsep.join([str(resource_dir), str(ASSETS_DIR)]),
        "--output", str(html),
    ]
    if html_option(config, "toc", True):
        command += ["--toc", f"--toc-depth={int(html_option(config, 'toc-depth', 3))}"]
    if html_option(config, "number-sections", False):
        command.append("--number-sections")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"pandoc failed: {result.stderr.strip()}", details=result.stderr)
    if result.stderr.strip():
        sys.stderr.write(result.stderr)


def pandoc_metadata(config: Mapping[str, Any], stem: str) -> dict[str, Any]:
    """Metadata for pandoc's template and for the Lua filter's defaults (``quarto-compat``:
    echo, warning, code-fold)."""
    execute = config.get("execute") or {}
    metadata = {key: config[key] for key in DOCUMENT_METADATA if config.get(key) is not None}
    if "author" in metadata:
        metadata["author"] = author_names(metadata["author"])
    if "date" in metadata:
        metadata["date"] = resolve_date(metadata["date"])
    metadata.setdefault("lang", "en")
    metadata["pagetitle"] = str(config.get("pagetitle") or config.get("title") or stem)
    metadata["quarto-compat"] = {
        "echo": bool(execute.get("echo", True)),
        "warning": bool(execute.get("warning", True)),
        "code-fold": bool(html_option(config, "code-fold", False)),
    }
    return metadata


def author_names(author: Any) -> list[str]:
    """Quarto accepts author as a string, a list, or dicts with ``name``; pandoc wants names."""
    authors = author if isinstance(author, list) else [author]
    names = []
    for entry in authors:
        name = entry.get("name", "") if isinstance(entry, dict) else entry
        if isinstance(name, dict):
            name = name.get("literal") or " ".join(
                str(name[part]) for part in ("given", "family") if part in name
            )
        names.append(str(name))
    return names


def resolve_date(value: Any) -> str:
    """Quarto's ``today``/``now``/``last-modified`` keywords become a date, as Quarto does."""
    if str(value) in ("today", "now", "last-modified"):
        today = dt.date.today()
        return f"{today:%B} {today.day}, {today.year}"
    return str(value)
