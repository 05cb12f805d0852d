"""Render a Quarto report (.qmd) into one self-contained HTML file: :func:`render_report`.

Two renderers produce the same report:

- **Quarto**, when a ``quarto`` binary is on PATH (the conda environment brings it):
  :mod:`models.report.render.quarto`.
- **The fallback**, for machines where Quarto cannot be installed: jupytext, papermill and
  pandoc with a Lua filter (:mod:`models.report.render.fallback`); the report may use only
  the constructs both render alike (:mod:`models.report.render.constructs`).

``RENDERER`` chooses (:mod:`models.report.render.choice`). Both renderers execute the report
in the project's own kernel (:mod:`models.report.render.kernel`), never in whatever
``python3`` kernelspec the user happens to have. Both render into a temporary folder and
only move the finished HTML onto ``output`` at the end (``os.replace``), so a failed or
interrupted render leaves a previous report byte-identical, and two renders at once each
work in their own folder (``.render-<pid>-<random>``, beside the output so the move never
crosses filesystems) and the output is one complete report. An interrupted render removes
its folder on the way out; a killed one cannot, so each render first removes the folders of
renders whose process is no longer running (:func:`models.core.atomic.
remove_stale_temporaries`).
"""

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from models.core.atomic import remove_stale_temporaries, temporary_prefix
from models.report.render.choice import choose_quarto
from models.report.render.constructs import unsupported_constructs
from models.report.render.deck import write_deck
from models.report.render.errors import RenderError
from models.report.render.fallback import fallback_renderer_name, render_fallback
from models.report.render.kernel import install_kernel
from models.report.render.pandoc import write_html
from models.report.render.quarto import quarto_version, render_quarto

# RenderError and unsupported_constructs are re-exported: callers import them from here.
__all__ = ["RenderError", "RenderInfo", "render_report", "unsupported_constructs"]

WORK_FOLDER_STEM = ".render-"
"""Start of the temporary render folders beside the output (then ``<pid>-<random>``)."""


@dataclass(frozen=True)
class RenderInfo:
    """What a render produced: which renderer (with versions) and where the HTML is."""

    renderer: str
    output: Path


def render_report(
    source: Path,
    output: Path,
    params: Mapping[str, str],
    *,
    python: Path,
    progress: bool,
    metadata: Mapping[str, str | bool] | None = None,
    deck: bool = False,
) -> RenderInfo:
    """Render ``source`` (.qmd) with ``params`` into the single HTML file ``output``.

    ``params`` override the variables of the report's parameters cell (``#| tags:
    [parameters]``); values arrive in the report as ``str`` on both renderers.
    ``metadata`` overrides document metadata (title, subtitle, and the keys of conditional
    content, :mod:`models.report.render.conditions`): ``quarto render -M`` on Quarto,
    merged into the front matter on the fallback. ``python`` is
    the interpreter whose kernel executes the report (the project's ``.venv``). With
    ``progress`` the steps are announced on stderr; otherwise the render is quiet.
    With ``deck`` the source is a slide deck (``reports/slides.qmd``): Quarto renders
    it with revealjs, the fallback with :func:`~models.report.render.deck.write_deck`.
    Raises :class:`RenderError`; ``output`` is only replaced after a complete render.
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise RenderError(f"report source {source} does not exist", is_input_error=True)
    output = Path(output).absolute()
    python = Path(python).absolute()
    quarto = choose_quarto()
    data_dir = install_kernel(python)
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(output.parent, WORK_FOLDER_STEM)
    # The temporary folder sits beside the output so os.replace never crosses filesystems.
    with tempfile.TemporaryDirectory(prefix=temporary_prefix(WORK_FOLDER_STEM),
                                     dir=output.parent) as tmp:
        workdir = Path(tmp)
        if quarto:
            renderer = f"Quarto {quarto_version(quarto)}"
            html = render_quarto(
                quarto, source, workdir, params, metadata=metadata or {},
                python=python, data_dir=data_dir, renderer=renderer, progress=progress,
                to="revealjs" if deck else "html",
            )
        else:
            renderer = fallback_renderer_name()
            html = render_fallback(
                source, workdir, params, metadata=metadata or {}, data_dir=data_dir,
                renderer=renderer, progress=progress,
                write=write_deck if deck else write_html,
            )
        os.replace(html, output)
    return RenderInfo(renderer=renderer, output=output)
