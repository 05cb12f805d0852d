"""The render pipeline: the fallback renderer end to end, the Quarto command, the constructs.

The fixture ``tests/fixtures/constructs.qmd`` uses every construct in
:data:`ALLOWED_CONSTRUCTS`; it is rendered once through the fallback (session scope: a kernel
start takes seconds) and the HTML is checked the way a reader would see it. The Quarto path is
checked with a stand-in ``quarto`` executable, since no real one can be installed here.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest

from models.core.paths import REPORT_SOURCE
from models.report.render.choice import RENDERER_ENV, RENDERER_NAME_ENV
from models.report.render.constructs import (
    ALLOWED_CELL_OPTIONS,
    ALLOWED_CONSTRUCTS,
    CALLOUT_TYPES,
    unsupported_constructs,
)
from models.report.render.errors import RenderError, error_from_log
from models.report.render.inline import INLINE_KEY, inline_text
from models.report.render.kernel import KERNEL_NAME
from models.report.render.pipeline import RenderInfo, render_report
from models.report.render.qmd import OPTIONS_KEY, cell_options, read_qmd

FIXTURE = Path(__file__).parent / "fixtures" / "constructs.qmd"
PYTHON = Path(sys.executable)
PARAMS = {"label": "from-the-test", "threshold": "0.25"}


def check_report_constructs(qmd_text: str) -> None:
    """Fail if ``qmd_text`` uses a construct outside :data:`ALLOWED_CONSTRUCTS`."""
    problems = unsupported_constructs(qmd_text)
    assert not problems, "constructs outside ALLOWED_CONSTRUCTS:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderInfo, str]:
    """The fixture rendered once through the fallback renderer."""
    folder = tmp_path_factory.mktemp("render")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(RENDERER_ENV, "fallback")
        info = render_report(
            FIXTURE, folder / "fixture.html", PARAMS, python=PYTHON, progress=False
        )
    return info, info.output.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- fallback render


def test_fallback_writes_one_html_file_and_names_itself(rendered):
    info, html = rendered
    assert [path.name for path in info.output.parent.iterdir()] == ["fixture.html"]
    assert info.renderer.startswith("fallback: jupytext ")
    assert "papermill" in info.renderer and "pandoc 3." in info.renderer
    # The report read the renderer's name from REANALYSIS_RENDERER.
    assert f"Rendered by {info.renderer}" in re.sub(r"\s+", " ", html)


def test_title_block_and_table_of_contents(rendered):
    _, html = rendered
    assert '<h1 class="title">Render fixture</h1>' in html
    assert "Every construct the report may use" in html
    assert '<nav id="TOC"' in html and 'href="#sec-method"' in html


def test_parameters_and_inline_expressions_reach_the_text(rendered):
    _, html = rendered
    assert "The label passed in is from-the-test and" in html
    assert "twice the threshold is 0.50." in html
    assert "{python}" not in html


def test_figure_is_numbered_captioned_and_has_alt_text(rendered):
    _, html = rendered
    figure = re.search(r'<figure id="fig-line"[^>]*>(.*?)</figure>', html, re.DOTALL)
    assert figure, "no figure with id fig-line"
    assert "<figcaption>Figure 1: A rising line, drawn for the fixture</figcaption>" in figure[1]
    assert 'alt="A straight line rising from the lower left to the upper right"' in figure[1]
    assert 'src="data:image/png;base64,' in figure[1]


def test_table_is_numbered_with_right_aligned_numbers(rendered):
    _, html = rendered
    table = re.search(r'<table id="tbl-counts"[^>]*>(.*?)</table>', html, re.DOTALL)
    assert table, "no table with id tbl-counts"
    assert "<caption>Table 1: Remissions by arm</caption>" in table[1]
    assert '<td style="text-align: right;">0.538</td>' in table[1]


def test_html_table_is_numbered_too(rendered):
    _, html = rendered
    table = re.search(r'<table id="tbl-html"[^>]*>(.*?)</table>', html, re.DOTALL)
    assert table, "no table with id tbl-html"
    assert "<caption>Table 2: The same counts as an HTML table</caption>" in table[1]
    assert '<td style="text-align: right;">0.538</td>' in table[1]
    assert "IPython.core.display" not in html


def test_cross_references_become_links(rendered):
    _, html = rendered
    assert re.search(r'<a href="#fig-line"[^>]*>Figure 1</a>', html)
    assert re.search(r'<a href="#tbl-counts"[^>]*>Table 1</a>', html)
    assert re.search(r'<a href="#sec-method"[^>]*>Section Method</a>', html)
    assert "@fig-" not in html and "@tbl-" not in html and "@sec-" not in html


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("note", "Note"),
        ("warning", "Simulated data"),
        ("important", "Heading as title"),
        ("tip", "Tip"),
        ("caution", "Caution"),
    ],
)
def test_callouts_are_titled_boxes(rendered, kind, title):
    _, html = rendered
    pattern = (
        rf'<div class="callout callout-{kind}[^"]*"[^>]*>\s*'
        rf'<div class="callout-title">\s*{re.escape(title)}\s*</div>'
    )
    assert re.search(pattern, html), f"no {kind} callout titled {title!r}"


def test_math_is_mathml(rendered):
    _, html = rendered
    assert '<math display="inline"' in html and '<math display="block"' in html


def test_code_is_hidden_unless_echoed(rendered):
    _, html = rendered
    for hidden in ("plt.subplots", "import matplotlib", "raise InputError", "#|", "threshold ="):
        assert hidden not in html, f"hidden code visible: {hidden!r}"
    assert "INCLUDE-FALSE-OUTPUT" not in html and "hidden_marker" not in html
    # The one cell with `#| echo: true` shows its code, folded under "Code".
    assert '<details class="code-fold"><summary>Code</summary>' in html
    assert "shown_code" in html


def test_markdown_output_is_rendered(rendered):
    _, html = rendered
    assert "Printed <strong>as markdown</strong> by an asis cell." in html


def test_warning_option_hides_or_shows_stderr(rendered):
    # The fixture's front matter sets `execute: warning: false`; one cell overrides it.
    _, html = rendered
    assert "STDERR-HIDDEN-BY-DEFAULT" not in html
    shown = re.search(r'<div class="cell-output cell-output-stderr">\s*<pre><code>([^<]*)</code>',
                      html)
    assert shown and shown[1].strip() == "STDERR-SHOWN-BY-WARNING-TRUE"


def test_no_external_resources(rendered):
    _, html = rendered
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html, re.IGNORECASE)
    assert tags, "expected at least the figure's <img>"
    for tag in tags:
        for url in re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", tag):
            assert url.startswith(("data:", "#")), f"external resource in {tag[:120]}"


def _stale_user_kernelspecs(data_dir: Path) -> None:
    """User-level kernelspecs pointing at an interpreter that no longer exists."""
    for name in ("python3", KERNEL_NAME):
        spec = data_dir / "kernels" / name / "kernel.json"
        spec.parent.mkdir(parents=True)
        argv = ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec.write_text(json.dumps({"argv": argv, "display_name": name, "language": "python"}))


@pytest.mark.slow
def test_failed_render_leaves_previous_report_untouched(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv(RENDERER_ENV, "fallback")
    # Stale user-level specs (a common sight) must not be used: the render runs in the
    # project's kernel, else the error would be a dead kernel, not the report's InputError.
    _stale_user_kernelspecs(tmp_path / "user-jupyter")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user-jupyter"))
    output = tmp_path / "out" / "report.html"
    output.parent.mkdir()
    previous = b"<html>previous report</html>\n"
    output.write_bytes(previous)
    with pytest.raises(RenderError) as failure:
        render_report(FIXTURE, output, {"label": "fail"}, python=PYTHON, progress=False)
    assert failure.value.is_input_error
    assert str(failure.value) == "priors.skeptical.logistic.treatment.sd must be > 0, got -1"
    assert "Traceback" not in str(failure.value)
    assert output.read_bytes() == previous
    assert [path.name for path in output.parent.iterdir()] == ["report.html"]
    assert capfd.readouterr().err == "", "a render without progress must be quiet"


# --------------------------------------------------------------------------- reading the .qmd


def test_read_qmd_tags_parameters_strips_options_and_defers_inline_code():
    front_matter, notebook = read_qmd(FIXTURE.read_text(encoding="utf-8"))
    assert front_matter["title"] == "Render fixture"
    assert notebook.metadata["kernelspec"]["name"] == KERNEL_NAME
    parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0].source.startswith('label = "default-label"')
    assert not any(cell.source.startswith("#|") for cell in notebook.cells)
    figure = next(
        cell for cell in notebook.cells
        if cell.metadata.get(OPTIONS_KEY, {}).get("label") == "fig-line"
    )
    assert figure.metadata[OPTIONS_KEY]["fig-alt"].startswith("A straight line")
    inline = [cell for cell in notebook.cells if INLINE_KEY in cell.metadata]
    assert inline and all(cell.cell_type == "code" for cell in inline)


def test_read_qmd_keeps_a_callout_with_blank_lines_in_one_cell():
    # jupytext splits markdown at double blank lines; the callout must stay whole.
    _, notebook = read_qmd("::: {.callout-note}\nfirst\n\n\nsecond\n:::\n")
    assert [cell.cell_type for cell in notebook.cells] == ["markdown"]
    assert notebook.cells[0].source.startswith("::: {.callout-note}")
    assert notebook.cells[0].source.endswith(":::")


@pytest.mark.parametrize(
    ("bundle", "text"),
    [
        ({"text/plain": "'from-the-test'"}, r"from\-the\-test"),
        ({"text/plain": "'0.50'"}, r"0\.50"),
        ({"text/plain": "13"}, "13"),
        ({"text/plain": "<Markdown>", "text/markdown": "**bold**"}, "**bold**"),
    ],
)
def test_inline_values_follow_quarto_rules(bundle, text):
    assert inline_text(bundle) == text


def test_cell_options_are_yaml():
    options, code = cell_options('#| label: fig-x\n#| fig-cap: "A: b"\nx = 1')
    assert options == {"label": "fig-x", "fig-cap": "A: b"}
    assert code == "x = 1"


# --------------------------------------------------------------------------- renderer choice


def _fake_quarto(folder: Path, *, fail_with: str | None = None) -> Path:
    """A stand-in ``quarto`` that records its call and writes an HTML file like Quarto."""
    record = folder / "quarto-call.json"
    script = folder / "bin" / "quarto"
    script.parent.mkdir()
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "args = sys.argv[1:]\n"
        "if args == ['--version']:\n"
        "    print('1.6.40')\n"
        "    sys.exit(0)\n"
        f"Path({str(record)!r}).write_text(json.dumps({{'args': args, 'env': dict(os.environ)}}))\n"
        f"fail = {fail_with!r}\n"
        "if fail:\n"
        "    print('Traceback (most recent call last):', file=sys.stderr)\n"
        "    print('\\x1b[31m' + fail + '\\x1b[0m', file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "out = Path(args[args.index('--output-dir') + 1])\n"
        "(out / 'constructs.html').write_text('<html>quarto</html>')\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return record


def test_quarto_path_command_environment_and_output(tmp_path, monkeypatch):
    record = _fake_quarto(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(RENDERER_ENV, "quarto")
    output = tmp_path / "out" / "report.html"
    info = render_report(FIXTURE, output, {"priors": "my priors.yml", "seed": "1"},
                         python=PYTHON, progress=False)
    assert info.renderer == "Quarto 1.6.40"
    assert output.read_text() == "<html>quarto</html>"
    assert [path.name for path in output.parent.iterdir()] == ["report.html"]
    call = json.loads(record.read_text())
    args = call["args"]
    assert args[:4] == ["render", str(FIXTURE.resolve()), "--to", "html"]
    # Values are JSON-quoted so Quarto's YAML reading keeps them str, as papermill does.
    first = args.index("-P")
    assert args[first:first + 2] == ["-P", 'priors:"my priors.yml"']
    assert "seed:\"1\"" in args
    assert call["env"]["QUARTO_PYTHON"] == str(PYTHON)
    assert call["env"][RENDERER_NAME_ENV] == "Quarto 1.6.40"
    data_dir = Path(call["env"]["JUPYTER_PATH"].split(os.pathsep)[0])
    spec = data_dir / "kernels" / KERNEL_NAME / "kernel.json"
    assert json.loads(spec.read_text())["argv"][0].startswith(sys.prefix)


def test_quarto_input_error_is_surfaced_without_traceback(tmp_path, monkeypatch, capfd):
    _fake_quarto(tmp_path, fail_with="InputError: priors.reference.beta must be > 0, got 0")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(RENDERER_ENV, "quarto")
    output = tmp_path / "report.html"
    output.write_text("previous")
    with pytest.raises(RenderError) as failure:
        render_report(FIXTURE, output, {}, python=PYTHON, progress=True)
    assert failure.value.is_input_error
    assert str(failure.value) == "priors.reference.beta must be > 0, got 0"
    assert output.read_text() == "previous"
    # With progress, the step is announced and Quarto's own output is shown live.
    err = capfd.readouterr().err
    assert "quarto render constructs.qmd..." in err and "Traceback" in err


@pytest.mark.parametrize(
    ("log", "message", "is_input_error"),
    [
        ("Traceback (most recent call last):\n\x1b[31mValueError: bad value\x1b[0m\n",
         "the report raised ValueError: bad value", False),
        ("  models.core.errors.InputError: priors.x must be > 0, got 0\n",
         "priors.x must be > 0, got 0", True),
        ("ERROR: no kernel named python9\n\n", "quarto render failed: ERROR: no kernel named "
         "python9", False),
        ("", "quarto render failed: no output", False),
    ],
)
def test_a_failed_log_becomes_one_line(log, message, is_input_error):
    error = error_from_log(log, tool="quarto render")
    assert str(error) == message
    assert error.is_input_error is is_input_error
    assert "\x1b" not in error.details


def test_renderer_variable_is_validated(tmp_path, monkeypatch):
    monkeypatch.setenv(RENDERER_ENV, "pandoc")
    with pytest.raises(RenderError, match="RENDERER must be one of auto, quarto, fallback"):
        render_report(FIXTURE, tmp_path / "r.html", {}, python=PYTHON, progress=False)


def test_forcing_quarto_without_quarto_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(RENDERER_ENV, "quarto")
    with pytest.raises(RenderError, match="no quarto binary is on PATH"):
        render_report(FIXTURE, tmp_path / "r.html", {}, python=PYTHON, progress=False)


# --------------------------------------------------------------------------- constructs


def test_front_matter_must_name_the_project_kernel():
    problems = unsupported_constructs("---\ntitle: t\njupyter: python3\n---\n\nText.\n")
    assert problems == [f"front matter: needs 'jupyter: {KERNEL_NAME}' (the project kernel)"]


def test_fixture_exercises_every_allowed_cell_option_and_callout():
    # Each construct the check allows is rendered (and so tested) through the fixture,
    # and the list a report author reads names it.
    text = FIXTURE.read_text(encoding="utf-8")
    _, notebook = read_qmd(text)
    used = {key for cell in notebook.cells for key in cell.metadata.get(OPTIONS_KEY, {})
            if INLINE_KEY not in cell.metadata}
    assert used == ALLOWED_CELL_OPTIONS
    assert set(re.findall(r"^::: \{\.callout-(\w+)", text, re.MULTILINE)) == set(CALLOUT_TYPES)
    documented = " ".join(ALLOWED_CONSTRUCTS)
    missing = [name for name in [*ALLOWED_CELL_OPTIONS, *CALLOUT_TYPES] if name not in documented]
    assert not missing, f"ALLOWED_CONSTRUCTS does not mention {missing}"


def test_fixture_uses_only_allowed_constructs():
    check_report_constructs(FIXTURE.read_text(encoding="utf-8"))


def test_report_uses_only_allowed_constructs():
    check_report_constructs(REPORT_SOURCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("snippet", "complaint"),
    [
        ("```{ojs}\nx = 1\n```\n", "```{ojs} chunk"),
        ("```{r}\nx <- 1\n```\n", "```{r} chunk"),
        ("{{< include _part.qmd >}}\n", "shortcode"),
        ("::: {.panel-tabset}\n## A\n:::\n", "only callouts"),
        ("::: {layout-ncol=2}\ntext\n:::\n", "only callouts"),
        ("![logo](https://example.org/logo.png)\n", "external URL"),
        ('<script src="https://cdn.example.org/x.js"></script>\n', "external URL"),
        ("See @fig-missing.\n", "@fig-missing has no matching label"),
        ("As shown by @smith2020.\n", "@smith2020 (citations"),
        ("```{python}\n#| layout-ncol: 2\nx = 1\n```\n", "unsupported cell option(s) layout-ncol"),
        ("```{python}\n#| fig-cap: A\nx = 1\n```\n", "fig-cap needs"),
        ("::: {.callout-note}\n```{python}\nx = 1\n```\n:::\n", "inside a ::: block"),
        ("Value `{r} x`.\n", "inline `{r}`"),
    ],
)
def test_unsupported_constructs_are_named(snippet, complaint):
    front_matter = f"---\ntitle: t\njupyter: {KERNEL_NAME}\n---\n\n"
    problems = unsupported_constructs(front_matter + snippet)
    assert any(complaint in problem for problem in problems), problems
    with pytest.raises(AssertionError):
        check_report_constructs(snippet)


def test_report_parameters_carry_no_folder_of_the_machine(tmp_path):
    from models.core.paths import DEFAULT_PRIORS_FILE
    from models.report.build import report_parameters

    assert report_parameters(DEFAULT_PRIORS_FILE) == {"priors": "../data/priors.yml",
                                                      "trial": "../data/trial_counts.yml"}
    elsewhere = tmp_path / "my priors.yml"
    relative = report_parameters(elsewhere)["priors"]
    assert not Path(relative).is_absolute()
    assert (REPORT_SOURCE.parent / relative).resolve() == elsewhere.resolve()


def test_parameter_cells_are_not_shown():
    import nbformat

    from models.report.render.fallback import hide_injected_parameters
    from models.report.render.qmd import OPTIONS_KEY, read_qmd

    _, notebook = read_qmd(REPORT_SOURCE.read_text(encoding="utf-8"))
    parameters = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0].metadata[OPTIONS_KEY]["echo"] is False
    injected = nbformat.v4.new_code_cell("priors = 'x'", metadata={"tags": ["injected-parameters"]})
    other = nbformat.v4.new_code_cell("x = 1")
    notebook.cells[1:1] = [injected]
    notebook.cells.append(other)
    hide_injected_parameters(notebook)
    assert injected.metadata[OPTIONS_KEY]["echo"] is False
    assert OPTIONS_KEY not in other.metadata


def test_no_code_toggle_above_the_summary():
    from models.report.render.inline import INLINE_KEY
    from models.report.render.qmd import OPTIONS_KEY, read_qmd

    _, notebook = read_qmd(REPORT_SOURCE.read_text(encoding="utf-8"))
    # (markdown holding inline expressions becomes a hidden code cell, so match any type)
    summary = next(i for i, c in enumerate(notebook.cells)
                   if "## Summary" in c.metadata.get(INLINE_KEY, c.source))
    for cell in notebook.cells[:summary]:
        if cell.cell_type == "code":
            assert cell.metadata[OPTIONS_KEY].get("echo") is False, cell.source[:60]
