"""The Quarto renderer: ``quarto render <qmd> --to html --output-dir <tmp> -P key:"value"``.

Quarto executes the report with ``QUARTO_PYTHON`` set to the project's interpreter and the
project kernelspec first on ``JUPYTER_PATH`` (:mod:`models.report.render.kernel`).
"""

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from models.report.render.choice import RENDERER_NAME_ENV
from models.report.render.console import announce, run_logged
from models.report.render.errors import RenderError, error_from_log
from models.report.render.kernel import jupyter_path


def quarto_version(quarto: str) -> str:
    """``quarto --version`` (e.g. ``1.6.40``)."""
    result = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"{quarto} --version failed: {result.stderr.strip()}")
    return result.stdout.strip()


def render_quarto(
    quarto: str,
    source: Path,
    workdir: Path,
    params: Mapping[str, str],
    *,
    metadata: Mapping[str, str | bool],
    python: Path,
    data_dir: Path,
    renderer: str,
    progress: bool,
    to: str = "html",
) -> Path:
    """Run ``quarto render`` into ``workdir``; return the one HTML file it wrote
    (``to``: Quarto's output format, ``html`` for the report, ``revealjs`` for the deck).

    Quarto reads each ``-P`` value as YAML, so values are passed JSON-quoted: the report gets
    the same ``str`` the fallback gives it (``-P seed:1`` would otherwise arrive as an int).
    ``metadata`` goes to ``-M KEY:VALUE`` the same way.
    """
    command = [quarto, "render", str(source), "--to", to, "--output-dir", str(workdir),
               "--no-execute-daemon"]
    for key, value in params.items():
        command += ["-P", f"{key}:{json.dumps(str(value))}"]
    for key, meta in metadata.items():  # YAML values: JSON strings, true / false
        command += ["-M", f"{key}:{json.dumps(meta)}"]
    env = {
        **os.environ,
        "QUARTO_PYTHON": str(python),
        "JUPYTER_PATH": jupyter_path(data_dir),
        RENDERER_NAME_ENV: renderer,
    }
    announce(progress, f"quarto render {source.name}...")
    returncode, log = run_logged(command, env=env, cwd=source.parent, echo=progress)
    if returncode != 0:
        raise error_from_log(log, tool="quarto render")
    return single_html(workdir)


def single_html(folder: Path) -> Path:
    """The one .html file a renderer wrote into ``folder``."""
    found = sorted(folder.rglob("*.html"))
    if len(found) != 1:
        raise RenderError(f"expected one HTML file from the renderer, found {len(found)}")
    return found[0]
