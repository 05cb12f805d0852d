"""Render a Quarto report (.qmd) into one self-contained HTML file.

Two renderers produce the same report:

- **Quarto**, when a ``quarto`` binary is on PATH (the conda environment brings it):
  ``quarto render <qmd> --to html --output-dir <tmp> -P key:"value" ...`` with
  ``QUARTO_PYTHON`` set to the project's interpreter.
- **The fallback**, for machines where Quarto cannot be installed: jupytext reads the .qmd
  chunks, papermill executes them with the parameters (as Quarto's Jupyter engine does), and
  pandoc (from ``pypandoc-binary``) writes one self-contained HTML file, with the Lua filter
  ``reports/assets/quarto-compat.lua`` and ``reports/assets/report.css`` standing in for the
  Quarto features the report uses (see :data:`ALLOWED_CONSTRUCTS`).

The environment variable ``RENDERER`` forces the choice: ``quarto``, ``fallback``, or ``auto``
(the default: Quarto when it is on PATH). The report learns which renderer ran from the
environment variable ``REANALYSIS_RENDERER`` (for its footer).

Both renderers execute the report in the project's own kernel (:func:`ensure_kernel`), never
in whatever ``python3`` kernelspec the user happens to have. Both render into a temporary
folder and only move the finished HTML onto ``output`` at the end (``os.replace``), so a failed
render leaves a previous report untouched.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.core.paths import REPORTS_DIR
from models.core.scoped import environment

KERNEL_NAME = "tocilizumab-reanalysis"
KERNEL_DISPLAY_NAME = "Python (tocilizumab-reanalysis)"

ASSETS_DIR = REPORTS_DIR / "assets"
LUA_FILTER = ASSETS_DIR / "quarto-compat.lua"
CSS_FILE = ASSETS_DIR / "report.css"

RENDERER_ENV = "RENDERER"
RENDERER_NAME_ENV = "REANALYSIS_RENDERER"
RENDERER_CHOICES = ("auto", "quarto", "fallback")

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

# Cell metadata keys the fallback adds for the Lua filter and for its own bookkeeping.
OPTIONS_KEY = "quarto-options"
INLINE_KEY = "reanalysis-inline-markdown"
INLINE_MIME = "application/vnd.reanalysis.inline+json"

# `{python} expr` in markdown, the pattern Quarto itself uses.
INLINE_EXPRESSION = re.compile(r"(^|[^`])`\{python\}[ \t]([^`]+)`", re.MULTILINE)
CELL_OPTION_LINE = re.compile(r"^#\s*\| ?")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
EXCEPTION_LINE = re.compile(r"(?:^|\s)([A-Za-z_][\w.]*(?:Error|Exception)): (.+)$")
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~^])")

# Front matter keys handed to pandoc's HTML template.
DOCUMENT_METADATA = (
    "title", "subtitle", "author", "date", "abstract", "description", "keywords", "lang",
    "toc-title",
)


class RenderError(Exception):
    """Rendering failed; ``str(error)`` is a short message fit for one line on stderr.

    ``is_input_error`` is true when the report stopped on a ``models.core.errors.InputError``
    (a bad priors file, a bad parameter) or on a bad ``RENDERER`` value: the command line
    prints just the message and exits with status 2. ``details`` keeps the full traceback
    or tool output for debugging.
    """

    def __init__(self, message: str, *, is_input_error: bool = False, details: str = "") -> None:
        super().__init__(message)
        self.is_input_error = is_input_error
        self.details = details


@dataclass(frozen=True)
class RenderInfo:
    """What a render produced: which renderer (with versions) and where the HTML is."""

    renderer: str
    output: Path


# --------------------------------------------------------------------------- entry point


def render_report(
    source: Path,
    output: Path,
    params: Mapping[str, str],
    *,
    python: Path,
    progress: bool,
) -> RenderInfo:
    """Render ``source`` (.qmd) with ``params`` into the single HTML file ``output``.

    ``params`` override the variables of the report's parameters cell (``#| tags:
    [parameters]``); values arrive in the report as ``str`` on both renderers. ``python`` is
    the interpreter whose kernel executes the report (the project's ``.venv``). With
    ``progress`` the steps are announced on stderr; otherwise the render is quiet.
    Raises :class:`RenderError`; ``output`` is only replaced after a complete render.
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise RenderError(f"report source {source} does not exist", is_input_error=True)
    output = Path(output).absolute()
    python = Path(python).absolute()
    quarto = _choose_quarto()
    data_dir = _install_kernel(python)
    output.parent.mkdir(parents=True, exist_ok=True)
    # The temporary folder sits beside the output so os.replace never crosses filesystems.
    with tempfile.TemporaryDirectory(prefix=".render-", dir=output.parent) as tmp:
        workdir = Path(tmp)
        if quarto:
            renderer = f"Quarto {_quarto_version(quarto)}"
            html = _render_quarto(
                quarto, source, workdir, params,
                python=python, data_dir=data_dir, renderer=renderer, progress=progress,
            )
        else:
            renderer = fallback_renderer_name()
            html = _render_fallback(
                source, workdir, params, data_dir=data_dir, renderer=renderer, progress=progress
            )
        os.replace(html, output)
    return RenderInfo(renderer=renderer, output=output)


def fallback_renderer_name() -> str:
    """The fallback's name with the versions of its parts, as shown in the report footer."""
    import jupytext
    import papermill
    import pypandoc

    return (
        f"fallback: jupytext {jupytext.__version__} + papermill {papermill.__version__}"
        f" + pandoc {pypandoc.get_pandoc_version()}"
    )


def _choose_quarto() -> str | None:
    """Path of the quarto binary to use, or None for the fallback (honours ``RENDERER``)."""
    choice = os.environ.get(RENDERER_ENV, "").strip().lower() or "auto"
    if choice not in RENDERER_CHOICES:
        raise RenderError(
            f"{RENDERER_ENV} must be one of {', '.join(RENDERER_CHOICES)}, got {choice!r}",
            is_input_error=True,
        )
    quarto = shutil.which("quarto") if choice != "fallback" else None
    if choice == "quarto" and quarto is None:
        raise RenderError(
            f"{RENDERER_ENV}=quarto but no quarto binary is on PATH; "
            f"unset {RENDERER_ENV} to use the fallback renderer",
            is_input_error=True,
        )
    return quarto


def _progress(enabled: bool, message: str) -> None:
    """Tell the user which step is running, only when progress output was asked for."""
    if enabled:
        print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- kernel


def ensure_kernel(python: Path) -> str:
    """Install the project kernelspec for ``python`` if missing or stale; return its name.

    The spec goes into the interpreter's own ``sys.prefix`` (``python -m ipykernel install
    --sys-prefix``) and its argv points at that interpreter, so Quarto and papermill run the
    report with the project's packages even when a stale user-level ``python3`` kernelspec
    exists. The report's front matter names it (``jupyter: tocilizumab-reanalysis``).
    """
    _install_kernel(Path(python).absolute())
    return KERNEL_NAME


def _install_kernel(python: Path) -> Path:
    """Make sure the project kernelspec exists for ``python``; return its Jupyter data dir."""
    probe = subprocess.run(
        [str(python), "-c", "import json, sys; print(json.dumps([sys.prefix, sys.executable]))"],
        capture_output=True, text=True, check=False,
    )
    if probe.returncode != 0:
        raise RenderError(f"cannot run the report's interpreter {python}: {probe.stderr.strip()}")
    prefix, executable = json.loads(probe.stdout)
    data_dir = Path(prefix) / "share" / "jupyter"
    if _kernelspec_interpreter(data_dir / "kernels" / KERNEL_NAME / "kernel.json") != executable:
        installed = subprocess.run(
            [str(python), "-m", "ipykernel", "install", "--sys-prefix",
             "--name", KERNEL_NAME, "--display-name", KERNEL_DISPLAY_NAME],
            capture_output=True, text=True, check=False,
        )
        if installed.returncode != 0:
            raise RenderError(
                f"could not install the {KERNEL_NAME} kernel: {installed.stderr.strip()}",
                details=installed.stderr,
            )
    return data_dir


def _kernelspec_interpreter(spec: Path) -> str | None:
    """The interpreter a kernel.json launches (its argv[0]), or None if there is no spec."""
    try:
        return json.loads(spec.read_text(encoding="utf-8"))["argv"][0]
    except (OSError, ValueError, KeyError, IndexError):
        return None


def _jupyter_path(data_dir: Path) -> str:
    """JUPYTER_PATH with the project's data dir first, so its kernelspec is always found."""
    existing = os.environ.get("JUPYTER_PATH")
    return os.pathsep.join([str(data_dir), existing] if existing else [str(data_dir)])


# --------------------------------------------------------------------------- Quarto


def _quarto_version(quarto: str) -> str:
    """``quarto --version`` (e.g. ``1.6.40``)."""
    result = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"{quarto} --version failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _render_quarto(
    quarto: str,
    source: Path,
    workdir: Path,
    params: Mapping[str, str],
    *,
    python: Path,
    data_dir: Path,
    renderer: str,
    progress: bool,
) -> Path:
    """Run ``quarto render`` into ``workdir``; return the one HTML file it wrote.

    Quarto reads each ``-P`` value as YAML, so values are passed JSON-quoted: the report gets
    the same ``str`` the fallback gives it (``-P seed:1`` would otherwise arrive as an int).
    """
    command = [quarto, "render", str(source), "--to", "html", "--output-dir", str(workdir),
               "--no-execute-daemon"]
    for key, value in params.items():
        command += ["-P", f"{key}:{json.dumps(str(value))}"]
    env = {
        **os.environ,
        "QUARTO_PYTHON": str(python),
        "JUPYTER_PATH": _jupyter_path(data_dir),
        RENDERER_NAME_ENV: renderer,
    }
    _progress(progress, f"quarto render {source.name}...")
    returncode, log = _run_logged(command, env=env, cwd=source.parent, echo=progress)
    if returncode != 0:
        raise _error_from_log(log, tool="quarto render")
    return _single_html(workdir)


def _run_logged(
    command: list[str], *, env: Mapping[str, str], cwd: Path, echo: bool
) -> tuple[int, str]:
    """Run ``command``, keeping its combined output (and echoing it live when ``echo``)."""
    lines: list[str] = []
    with subprocess.Popen(
        command, env=dict(env), cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if echo:
                sys.stderr.write(line)
    return process.returncode, "".join(lines)


def _error_from_log(log: str, *, tool: str) -> RenderError:
    """A RenderError carrying the last exception line of a failed run's output."""
    text = ANSI_ESCAPE.sub("", log)
    for line in reversed(text.splitlines()):
        match = EXCEPTION_LINE.search(line.strip())
        if match:
            return _kernel_error(match.group(1), match.group(2), text)
    last = next((line for line in reversed(text.splitlines()) if line.strip()), "no output")
    return RenderError(f"{tool} failed: {last.strip()}", details=text)


def _kernel_error(ename: str, evalue: str, details: str) -> RenderError:
    """Turn an exception raised inside the report into a short RenderError."""
    if ename.rsplit(".", 1)[-1] == "InputError":
        return RenderError(evalue, is_input_error=True, details=details)
    return RenderError(f"the report raised {ename}: {evalue}", details=details)


def _single_html(folder: Path) -> Path:
    """The one .html file a renderer wrote into ``folder``."""
    found = sorted(folder.rglob("*.html"))
    if len(found) != 1:
        raise RenderError(f"expected one HTML file from the renderer, found {len(found)}")
    return found[0]


# --------------------------------------------------------------------------- fallback


def _render_fallback(
    source: Path,
    workdir: Path,
    params: Mapping[str, str],
    *,
    data_dir: Path,
    renderer: str,
    progress: bool,
) -> Path:
    """jupytext -> papermill -> pandoc, all inside ``workdir``; return the HTML path."""
    import nbformat

    front_matter, notebook = read_qmd(source.read_text(encoding="utf-8"))
    config = _merge(_project_config(source.parent), front_matter)
    _progress(progress, "executing report (papermill)...")
    env = {"JUPYTER_PATH": _jupyter_path(data_dir), RENDERER_NAME_ENV: renderer}
    with environment(env):
        executed = _execute(notebook, params, cwd=source.parent, progress=progress)
    resolve_inline_cells(executed)
    executed_path = workdir / f"{source.stem}.ipynb"
    nbformat.write(executed, executed_path)
    _progress(progress, "pandoc...")
    html = workdir / f"{source.stem}.html"
    _pandoc(executed_path, html, config, resource_dir=source.parent, stem=source.stem)
    return html


def read_qmd(text: str) -> tuple[dict[str, Any], Any]:
    """Read a .qmd into (front matter, notebook ready for papermill).

    jupytext's R Markdown reader splits the chunks (its own qmd format needs the quarto
    binary). Each code cell's leading ``#|`` options are parsed as YAML, removed from the
    source (as Quarto does) and kept in the cell metadata for the Lua filter; the cell with
    ``tags: [parameters]`` gets papermill's "parameters" tag. Markdown cells with inline
    ``{python}`` expressions become hidden code cells that evaluate them in order.
    """
    import jupytext

    notebook = jupytext.reads(text, fmt="Rmd")
    front_matter: dict[str, Any] = {}
    if notebook.cells and notebook.cells[0].cell_type == "raw":
        front_matter = _parse_front_matter(notebook.cells[0].source)
        if front_matter or notebook.cells[0].source.startswith("---"):
            notebook.cells.pop(0)
    notebook.cells = [
        _prepare_cell(cell, index) for index, cell in enumerate(_merge_markdown(notebook.cells))
    ]
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return front_matter, notebook


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


def _parse_front_matter(raw: str) -> dict[str, Any]:
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


def _prepare_cell(cell: Any, index: int) -> Any:
    """Give one jupytext cell what papermill and the Lua filter need (see read_qmd)."""
    from nbformat.v4 import new_code_cell

    if cell.cell_type == "markdown":
        expressions = [match.group(2).strip() for match in INLINE_EXPRESSION.finditer(cell.source)]
        if not expressions:
            return cell
        return new_code_cell(
            _inline_source(expressions),
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


def _inline_source(expressions: list[str]) -> str:
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
    """Put the values of inline expressions back into their markdown cells, in place."""
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
        texts = [_inline_text(bundle) for bundle in bundles]
        notebook.cells[index] = new_markdown_cell(_substitute_inline(markdown, texts))


def _substitute_inline(markdown: str, texts: list[str]) -> str:
    """Replace the inline expressions of ``markdown``, in order, with ``texts``."""
    values = iter(texts)
    return INLINE_EXPRESSION.sub(lambda match: match.group(1) + next(values), markdown)


def _inline_text(bundle: Mapping[str, Any]) -> str:
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


def _execute(notebook: Any, params: Mapping[str, str], *, cwd: Path, progress: bool) -> Any:
    """Execute the notebook with papermill in the project kernel; return it executed."""
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
        raise _kernel_error(exc.ename, exc.evalue, details) from None


def _project_config(folder: Path) -> dict[str, Any]:
    """The ``_quarto.yml`` beside the report (Quarto merges it under the front matter)."""
    path = folder / "_quarto.yml"
    if not path.exists():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge two YAML mappings; ``override`` wins."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _html_option(config: Mapping[str, Any], key: str, default: Any) -> Any:
    """An HTML format option: ``format: html: key`` first, then a top-level ``key``."""
    formats = config.get("format")
    html = formats.get("html") if isinstance(formats, dict) else None
    if isinstance(html, dict) and key in html:
        return html[key]
    return config.get(key, default)


def _pandoc_metadata(config: Mapping[str, Any], stem: str) -> dict[str, Any]:
    """Metadata for pandoc's template and for the Lua filter's defaults."""
    execute = config.get("execute") or {}
    metadata = {key: config[key] for key in DOCUMENT_METADATA if config.get(key) is not None}
    if "author" in metadata:
        metadata["author"] = _author_names(metadata["author"])
    if "date" in metadata:
        metadata["date"] = _resolve_date(metadata["date"])
    metadata.setdefault("lang", "en")
    metadata["pagetitle"] = str(config.get("pagetitle") or config.get("title") or stem)
    metadata["quarto-compat"] = {
        "echo": bool(execute.get("echo", True)),
        "warning": bool(execute.get("warning", True)),
        "code-fold": bool(_html_option(config, "code-fold", False)),
    }
    return metadata


def _author_names(author: Any) -> list[str]:
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


def _resolve_date(value: Any) -> str:
    """Quarto's ``today``/``now``/``last-modified`` keywords become a date, as Quarto does."""
    if str(value) in ("today", "now", "last-modified"):
        today = dt.date.today()
        return f"{today:%B} {today.day}, {today.year}"
    return str(value)


def _pandoc(
    notebook: Path, html: Path, config: Mapping[str, Any], *, resource_dir: Path, stem: str
) -> None:
    """Write one self-contained HTML file from the executed notebook."""
    import pypandoc

    metadata_file = html.with_suffix(".metadata.yml")
    metadata_file.write_text(
        yaml.safe_dump(_pandoc_metadata(config, stem), allow_unicode=True), encoding="utf-8"
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
    if _html_option(config, "toc", True):
        command += ["--toc", f"--toc-depth={int(_html_option(config, 'toc-depth', 3))}"]
    if _html_option(config, "number-sections", False):
        command.append("--number-sections")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RenderError(f"pandoc failed: {result.stderr.strip()}", details=result.stderr)
    if result.stderr.strip():
        sys.stderr.write(result.stderr)


# --------------------------------------------------------------------------- constructs

ALLOWED_CONSTRUCTS: tuple[str, ...] = (
    f"YAML front matter with jupyter: {KERNEL_NAME}; title, subtitle, author, date (or "
    "today), abstract, lang, toc, toc-depth, number-sections, execute (echo, warning), "
    "format: html options",
    "```{python} code cells; #| options: label, echo, include, output (true/false/asis), "
    "warning, tags, fig-cap, fig-alt, tbl-cap",
    "a parameters cell: #| tags: [parameters] with str defaults",
    "figure cells: #| label: fig-xxx with #| fig-cap and #| fig-alt (one matplotlib figure)",
    "table cells: #| label: tbl-xxx with #| tbl-cap, displaying "
    "IPython.display.Markdown(df.to_markdown(index=False)) (or an HTML table)",
    "cross-references @fig-xxx, @tbl-xxx, @sec-xxx (to labels defined in the report)",
    "section ids: ## Heading {#sec-xxx}",
    "callouts ::: {.callout-note|warning|important|tip|caution} with optional title=\"...\" "
    "or a ## heading as first line",
    "inline expressions `{python} expr` (str values are inserted as text)",
    "LaTeX math $...$ and $$...$$",
    "Markdown output from cells (IPython.display.Markdown, or print with #| output: asis)",
    "plain Pandoc markdown: headings, lists, emphasis, links, footnotes, pipe tables",
)

ALLOWED_CELL_OPTIONS = frozenset({
    "label", "echo", "include", "output", "warning", "tags", "fig-cap", "fig-alt", "tbl-cap",
})
CALLOUT_TYPES = ("note", "warning", "important", "tip", "caution")

_CHUNK_OPEN = re.compile(r"^(`{3,})\s*\{([^}]*)\}")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^:{3,}\s*(\{.*\}|[\w-]+)\s*$")
_DIV_CLOSE = re.compile(r"^:{3,}\s*$")
_INLINE_CODE = re.compile(r"`[^`]*`")
_INLINE_OTHER_LANG = re.compile(r"`\{(?!python\})(\w+)\}")
_SHORTCODE = re.compile(r"\{\{<.*?>\}\}")
_EXTERNAL_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?:https?:)?//")
_EXTERNAL_TAG = re.compile(
    r"<(?:img|script|link|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
    r"(?:https?:)?//",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"(?<![\w.@])@([A-Za-z][\w:-]*[\w])")
_SECTION_ID = re.compile(r"\{[^}]*#(sec-[\w-]+)[^}]*\}")
_OTHER_ID = re.compile(r"\{[^}]*#((?:fig|tbl|eq|lst|thm)-[\w-]+)[^}]*\}")


def unsupported_constructs(qmd_text: str) -> list[str]:
    """Problems that would make the fallback render differ from Quarto (empty = fine).

    Each message names the line and the construct: chunks in other languages (R, OJS, ...),
    shortcodes, tabsets and layout divs, unknown cell options, code cells inside ``:::``
    blocks, external images or scripts, citations and cross-references that do not resolve.
    The report may use only :data:`ALLOWED_CONSTRUCTS`.
    """
    problems: list[str] = []
    labels: set[str] = set()
    references: list[tuple[int, str]] = []
    lines = qmd_text.splitlines()
    number = _skip_front_matter(lines)
    problems += _check_front_matter(lines[:number])
    div_depth = 0
    while number < len(lines):
        line = lines[number]
        chunk = _CHUNK_OPEN.match(line)
        fence = _FENCE.match(line)
        if chunk or fence:
            fence_text = (chunk or fence).group(1)
            body_end = _fence_end(lines, number, fence_text)
            if chunk:
                problems += _check_chunk(
                    number + 1, chunk.group(2), lines[number + 1:body_end], div_depth, labels
                )
            number = body_end + 1
            continue
        div_depth, div_problem = _check_div_line(line, div_depth)
        if div_problem:
            problems.append(f"line {number + 1}: {div_problem}")
        problems += [f"line {number + 1}: {p}" for p in _check_markdown_line(line)]
        labels.update(_SECTION_ID.findall(line))
        references += [(number + 1, ref) for ref in _REFERENCE.findall(_INLINE_CODE.sub("", line))]
        number += 1
    problems += _check_references(references, labels)
    return problems


def _skip_front_matter(lines: list[str]) -> int:
    """Index of the first line after the YAML front matter (0 if there is none)."""
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return index + 1
    return 0


def _check_front_matter(lines: list[str]) -> list[str]:
    """The front matter must name the project kernel, so Quarto never picks another one."""
    try:
        front_matter = _parse_front_matter("\n".join(lines))
    except RenderError as exc:
        return [f"front matter: {exc}"]
    if front_matter.get("jupyter") != KERNEL_NAME:
        return [f"front matter: needs 'jupyter: {KERNEL_NAME}' (the project kernel)"]
    return []


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the code fence opened at ``start`` (or the last line)."""
    closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return len(lines)


def _check_chunk(
    line_number: int, header: str, body: list[str], div_depth: int, labels: set[str]
) -> list[str]:
    """Problems with one executable chunk; records its label in ``labels``."""
    where = f"line {line_number}"
    language = header.strip().split(None, 1)[0].lstrip(".").lower() if header.strip() else ""
    if language.startswith("="):  # a raw block such as ```{=html}: check its URLs only
        return [f"{where}: {p}" for line in body for p in _check_markdown_line(line)]
    if language != "python":
        return [f"{where}: ```{{{language}}} chunk (only ```{{python}} cells render on both paths)"]
    problems = []
    if div_depth > 0:
        problems.append(f"{where}: code cell inside a ::: block (the fallback splits it)")
    try:
        options, _ = cell_options("\n".join(body))
    except RenderError as exc:
        return [*problems, f"{where}: {exc}"]
    unknown = sorted(set(options) - ALLOWED_CELL_OPTIONS)
    if unknown:
        problems.append(f"{where}: unsupported cell option(s) {', '.join(unknown)}")
    label = str(options.get("label", ""))
    labels.add(label)
    if "fig-cap" in options and not label.startswith("fig-"):
        problems.append(f"{where}: fig-cap needs '#| label: fig-...'")
    if "tbl-cap" in options and not label.startswith("tbl-"):
        problems.append(f"{where}: tbl-cap needs '#| label: tbl-...'")
    if options.get("output") not in (None, True, False, "asis"):
        problems.append(f"{where}: output must be true, false or asis")
    if options.get("echo") not in (None, True, False):
        problems.append(f"{where}: echo must be true or false")
    return problems


def _check_div_line(line: str, depth: int) -> tuple[int, str | None]:
    """Track ``:::`` nesting; only callout divs are allowed."""
    if _DIV_CLOSE.match(line):
        return max(depth - 1, 0), None
    opened = _DIV_OPEN.match(line)
    if not opened:
        return depth, None
    attributes = opened.group(1)
    classes = re.findall(r"(?:^|[\s{])\.?([\w-]+)", attributes.strip("{}"))
    callouts = {f"callout-{kind}" for kind in CALLOUT_TYPES}
    if not any(cls in callouts for cls in classes):
        return depth + 1, f"::: {attributes} block (only callouts are supported)"
    return depth + 1, None


def _check_markdown_line(line: str) -> list[str]:
    """Problems inside one markdown line (outside code chunks)."""
    problems = []
    if _SHORTCODE.search(line):
        problems.append("{{< >}} shortcode (Quarto-only)")
    other = _INLINE_OTHER_LANG.search(line)
    if other:
        problems.append(f"inline `{{{other.group(1)}}}` expression (only `{{python}}`)")
    if _EXTERNAL_IMAGE.search(line) or _EXTERNAL_TAG.search(line):
        problems.append("external URL for an image/script/style (the report must be offline)")
    other_id = _OTHER_ID.search(line)
    if other_id:
        problems.append(
            f"{{#{other_id.group(1)}}} in markdown (figure/table labels come from code cells)"
        )
    if re.search(r"\{[^}]*\.(?:panel-tabset|tabset|column-[\w-]+)[^}]*\}", line):
        problems.append("tabset/column layout (Quarto-only)")
    return problems


def _check_references(references: list[tuple[int, str]], labels: set[str]) -> list[str]:
    """Cross-references must point at defined labels; other @citations are unsupported."""
    problems = []
    for line_number, reference in references:
        prefix = reference.split("-", 1)[0]
        if prefix in ("fig", "tbl", "sec"):
            if reference not in labels:
                problems.append(f"line {line_number}: @{reference} has no matching label")
        else:
            problems.append(
                f"line {line_number}: @{reference} (citations and other cross-reference "
                "types are not supported; write references as text)"
            )
    return problems


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """``python -m models.report.render --install-kernel``: install the project kernelspec."""
    parser = argparse.ArgumentParser(prog="python -m models.report.render",
                                     description=__doc__)
    parser.add_argument(
        "--install-kernel", action="store_true",
        help=f"install the {KERNEL_NAME} kernelspec for this interpreter",
    )
    args = parser.parse_args(argv)
    if args.install_kernel:
        print(ensure_kernel(Path(sys.executable)))
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
