"""pandoc's part of the fallback for the teaching deck (``reports/slides.qmd``): the
executed notebook to one self-contained HTML deck.

Quarto renders the deck with revealjs; pandoc's own slide formats load their libraries
from the network (reveal.js, Slidy) or have no slide counter, so the fallback writes plain
HTML with one ``<section class="level2">`` per ``##`` heading (``--section-divs``), a
minimal template of the project's (``reports/assets/slides-template.html``: no title block,
no URL) and the project's stylesheet and script (``slides.css``, ``slides.js``: a 1280 x
720 stage scaled to the window, keyboard navigation, a slide counter, print styles), all
embedded. The same Lua filter as the report's (``quarto-compat.lua``) unwraps the cells.
"""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from models.report.render.errors import RenderError
from models.report.render.pandoc import ASSETS_DIR, LUA_FILTER, PANDOC_READER, pandoc_metadata

DECK_CSS = ASSETS_DIR / "slides.css"
DECK_JS = ASSETS_DIR / "slides.js"
DECK_TEMPLATE = ASSETS_DIR / "slides-template.html"


def write_deck(
    notebook: Path, html: Path, config: Mapping[str, Any], *, resource_dir: Path, stem: str
) -> None:
    """Write the executed deck notebook as one self-contained HTML deck (the signature of
    :func:`models.report.render.pandoc.write_html`, which writes the report)."""
    import pypandoc

    metadata = pandoc_metadata(config, stem)
    for key in ("title", "subtitle", "author", "date", "abstract"):
        metadata.pop(key, None)
    metadata_file = html.with_suffix(".metadata.yml")
    metadata_file.write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    script = html.with_suffix(".script.html")
    script.write_text("<script>\n" + DECK_JS.read_text(encoding="utf-8") + "\n</script>\n",
                      encoding="utf-8")
    command = [
        pypandoc.get_pandoc_path(), str(notebook),
        "--from", PANDOC_READER, "--to", "html5",
        "--standalone", "--embed-resources", "--section-divs", "--mathml",
        "--template", str(DECK_TEMPLATE),
        "--lua-filter", str(LUA_FILTER), "--css", str(DECK_CSS),
        "--include-after-body", str(script),
        "--metadata-file", str(metadata_file),
        "--resource-path", os.pathsep.join([str(resource_dir), str(ASSETS_DIR)]),
        "--output", str(html),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"pandoc failed: {result.stderr.strip()}", details=result.stderr)
    if result.stderr.strip():
        sys.stderr.write(result.stderr)
