"""The report's source is narrative plus one call per cell, and ruff lints its code.

``reports/reanalysis.qmd`` is read with jupytext (R Markdown chunks, as the fallback
renderer reads it). Its code cells, with the ``#|`` options removed, and its inline
``{python}`` expressions become a notebook that ruff checks with the project's settings,
so a lint error in the report fails the test suite like one in ``models/``.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from models.core.paths import REPORT_SOURCE, ROOT

INLINE_EXPRESSION = re.compile(r"`\{python\}\s*([^`]+)`")
OPTION_LINE = re.compile(r"^#\|")


def code_cells(qmd_text: str) -> list[str]:
    """The source of every code cell, without its ``#|`` option lines."""
    notebook = jupytext.reads(qmd_text, fmt="Rmd")
    return ["\n".join(line for line in cell.source.splitlines() if not OPTION_LINE.match(line))
            for cell in notebook.cells if cell.cell_type == "code"]


def inline_expressions(qmd_text: str) -> list[str]:
    notebook = jupytext.reads(qmd_text, fmt="Rmd")
    return [match.strip() for cell in notebook.cells if cell.cell_type == "markdown"
            for match in INLINE_EXPRESSION.findall(cell.source)]


def lint_report(qmd_text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ruff (project settings) over the report's code cells and inline expressions."""
    cells = [nbformat.v4.new_code_cell(source) for source in code_cells(qmd_text)]
    inline = "\n".join(f"print({expression})" for expression in inline_expressions(qmd_text))
    cells.append(nbformat.v4.new_code_cell(inline))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    path = folder / "reanalysis.ipynb"
    nbformat.write(notebook, path)
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
         "--config", str(ROOT / "pyproject.toml"), str(path)],
        capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def source() -> str:
    return REPORT_SOURCE.read_text(encoding="utf-8")


def test_ruff_passes_on_the_reports_code(source, tmp_path):
    result = lint_report(source, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("extra", "code"), [
    ("```{python}\nimport os\n```\n", "F401"),
    ("Inline `{python} undefined_name.upper()` value.\n", "F821"),
])
def test_ruff_finds_a_lint_error_in_the_report(source, tmp_path, extra, code):
    result = lint_report(source + "\n" + extra, tmp_path)
    assert result.returncode == 1
    assert code in result.stdout


def statements(cell: str) -> list[ast.stmt]:
    return ast.parse(cell).body


def test_parameters_cell_then_one_import_cell(source):
    cells = code_cells(source)
    assert all(isinstance(s, ast.Assign) for s in statements(cells[0]))  # parameters
    assert any(isinstance(s, ast.ImportFrom | ast.Import) for s in statements(cells[1]))


def test_no_definition_and_no_import_after_the_first_code_cell(source):
    for cell in code_cells(source)[2:]:
        for node in ast.walk(ast.parse(cell)):
            assert not isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef
                                  | ast.ClassDef | ast.Lambda), cell


def _guarded(statement: ast.stmt) -> list[ast.stmt]:
    """The body of ``if results.has_...:`` (a cell inside conditional content, which Quarto
    still executes when the part is hidden), else the statement itself."""
    if isinstance(statement, ast.If) and not statement.orelse:
        test = statement.test
        guard = (isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name)
                 and test.value.id == "results" and test.attr.startswith("has_"))
        if not guard and isinstance(test, ast.BoolOp):  # results.has_x and <comparison>
            guard = all(isinstance(v, ast.Attribute | ast.Compare) for v in test.values)
        assert guard, ast.unparse(statement)
        return statement.body
    return [statement]


def test_every_later_cell_is_one_call(source):
    """Narrative plus one call per cell: no loops, no table assembly, no branches inline;
    a cell inside a part the trial may lack guards its one call with a results flag."""
    for cell in code_cells(source)[2:]:
        body = statements(cell)
        assert len(body) == 1, cell
        inner = _guarded(body[0])
        assert len(inner) == 1, cell
        value = inner[0].value if isinstance(inner[0], ast.Expr | ast.Assign) else None
        assert isinstance(value, ast.Call), cell


def test_inline_expressions_are_single_calls_or_reads(source):
    for expression in inline_expressions(source):
        node = ast.parse(expression, mode="eval").body
        assert isinstance(node, ast.Call | ast.Attribute), expression
