"""The fallback renderer, for machines where Quarto cannot be installed:
jupytext reads the .qmd (:mod:`~models.report.render.qmd`), papermill executes it with the
parameters in the project kernel (as Quarto's Jupyter engine does), inline expressions are
filled in (:mod:`~models.report.render.inline`), and pandoc writes one self-contained HTML
file (:mod:`~models.report.render.pandoc`).
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from models.core.scoped import environment
from models.report.render.choice import RENDERER_NAME_ENV
from models.report.render.conditions import apply_conditions
from models.report.render.config import merge, project_config
from models.report.render.console import announce
from models.report.render.errors import ANSI_ESCAPE, kernel_error
from models.report.render.inline import resolve_inline_cells
from models.report.render.kernel import KERNEL_NAME, jupyter_path
from models.report.render.pandoc import write_html
from models.report.render.qmd import OPTIONS_KEY, read_qmd


def fallback_renderer_name() -> str:
    """The fallback's name with the versions of its parts, as shown in the report footer."""
    import jupytext
    import papermill
    import pypandoc

    return (
        f"fallback: jupytext {jupytext.__version__} + papermill {papermill.__version__}"
        f" + pandoc {pypandoc.get_pandoc_version()}"
    )


def render_fallback(
    source: Path,
    workdir: Path,
    params: Mapping[str, str],
    *,
    metadata: Mapping[str, str | bool],
    data_dir: Path,
    renderer: str,
    progress: bool,
    write: Callable[..., None] = write_html,
) -> Path:
    """jupytext -> papermill -> pandoc, all inside ``workdir``; return the HTML path.

    ``data_dir`` is the Jupyter data folder holding the project kernelspec; ``renderer`` is
    the name the report shows in its footer; ``metadata`` overrides the front matter and
    resolves the conditional content (:func:`~models.report.render.conditions.
    apply_conditions`) before the notebook is built. ``write`` is the pandoc step
    (:func:`~models.report.render.pandoc.write_html` for the report,
    :func:`~models.report.render.deck.write_deck` for the teaching deck).
    """
    import nbformat

    text = apply_conditions(source.read_text(encoding="utf-8"), metadata)
    front_matter, notebook = read_qmd(text)
    config = merge(merge(project_config(source.parent), front_matter), dict(metadata))
    announce(progress, "executing report (papermill)...")
    env = {"JUPYTER_PATH": jupyter_path(data_dir), RENDERER_NAME_ENV: renderer}
    with environment(env):
        executed = execute(notebook, params, cwd=source.parent, progress=progress)
    resolve_inline_cells(executed)
    hide_injected_parameters(executed)
    executed_path = workdir / f"{source.stem}.ipynb"
    nbformat.write(executed, executed_path)
    announce(progress, "pandoc...")
    html = workdir / f"{source.stem}.html"
    write(executed_path, html, config, resource_dir=source.parent, stem=source.stem)
    return html


def execute(notebook: Any, params: Mapping[str, str], *, cwd: Path, progress: bool) -> Any:
    """Execute the notebook with papermill in the project kernel; return it executed.

    An exception raised by a cell becomes a short :class:`RenderError` (an ``InputError``
    stays a user mistake).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        return papermill.execute_notebook(
            notebook,
            None,
            parameters=dict(params),
            kernel_name=KERNEL_NAME,
            language="python",
            cwd=str(cwd),
            progress_bar=progress,
            log_output=False,
            request_save_on_cell_execute=False,
            # The kernel's own log is not the user's concern: e.g. after many sampler runs
            # the kernel can be slow to stop, jupyter_client then interrupts it, and
            # ipykernel logs "KeyboardInterrupt caught in kernel" although every cell has
            # finished. Errors in cells still surface through papermill.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        details = ANSI_ESCAPE.sub("", "\n".join(exc.traceback))
        raise kernel_error(exc.ename, exc.evalue, details) from None


def hide_injected_parameters(notebook: Any) -> None:
    """Give the cell papermill injects (tag ``injected-parameters``) ``echo: false``, as the
    report's own parameters cell has: the values are the renderer's business, and the
    reproduce box states the inputs."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.metadata[OPTIONS_KEY] = {**cell.metadata.get(OPTIONS_KEY, {}), "echo": False}
