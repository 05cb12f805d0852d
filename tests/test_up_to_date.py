"""``make report`` re-renders when any single input changes, and only then.

The render itself is replaced by a stand-in that writes a small page and counts its calls,
and the project's folders by a small copy in a temporary folder (report source, assets,
two package modules, lock files, the shipped trial, priors and individual-data files), so
that every input can be changed one at a time without touching the project.
"""

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from models.cli.main import main
from models.core.paths import (
    DEFAULT_PRIORS_FILE,
    ROOT,
    SBC_FILE,
    SIMULATED_IPD_FILE,
    TRIAL_COUNTS_FILE,
)
from models.report import up_to_date
from models.report.render import pipeline
from models.report.up_to_date import record_path, report_inputs


class Project:
    """A small stand-in project tree and a counting stand-in renderer."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.renders = 0
        self.renderer = "fallback: stand-in 1.0"
        self.versions = {"python": "3.13.0", "pymc": "6.4.0"}
        reports = root / "reports"
        (reports / "assets").mkdir(parents=True)
        (reports / "reanalysis.qmd").write_text("---\ntitle: x\n---\nText.\n")
        (reports / "_quarto.yml").write_text("project:\n  type: default\n")
        (reports / "assets" / "report.css").write_text("body { margin: 0; }\n")
        (root / "models" / "core").mkdir(parents=True)
        (root / "models" / "__init__.py").write_text("")
        (root / "models" / "core" / "numbers.py").write_text("ANSWER = 1\n")
        (root / "requirements.lock").write_text("pymc==6.4.0\n")
        (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
        data = root / "data"
        data.mkdir()
        shutil.copy(TRIAL_COUNTS_FILE, data / TRIAL_COUNTS_FILE.name)
        shutil.copy(SIMULATED_IPD_FILE, data / SIMULATED_IPD_FILE.name)
        shutil.copy(DEFAULT_PRIORS_FILE, data / DEFAULT_PRIORS_FILE.name)
        self.trial = data / TRIAL_COUNTS_FILE.name
        self.priors = data / DEFAULT_PRIORS_FILE.name
        self.output = root / "out" / "reanalysis.html"
        self.output.parent.mkdir()
        monkeypatch.setattr(up_to_date, "ROOT", root)
        monkeypatch.setattr(up_to_date, "REPORT_SOURCE", reports / "reanalysis.qmd")
        monkeypatch.setattr(up_to_date, "renderer_identity", lambda: self.renderer)
        monkeypatch.setattr(up_to_date, "package_versions", lambda packages: self.versions)
        monkeypatch.setattr(pipeline, "render_report", self._render)

    def _render(self, source, output, params, **kwargs) -> pipeline.RenderInfo:
        self.renders += 1
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(f"<html><body>render {self.renders}</body></html>")
        return pipeline.RenderInfo(renderer=self.renderer, output=output)

    def make_report(self, *extra: str, status: int = 0) -> str:
        """``reanalysis report`` on this tree; returns the page."""
        assert main(["report", "--priors", str(self.priors), "--trial", str(self.trial),
                     "--output", str(self.output), *extra]) == status
        return self.output.read_text()


def _sbc_file(root: Path) -> Path:
    """Where ``make sbc`` writes its results in the stand-in project."""
    path = root / SBC_FILE.relative_to(ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _append(path: Path, text: str = "\n# edited\n") -> None:
    with path.open("a") as handle:
        handle.write(text)


CHANGES: dict[str, Callable[[Project], None]] = {
    "report source": lambda p: _append(p.root / "reports" / "reanalysis.qmd", "More.\n"),
    "project options": lambda p: _append(p.root / "reports" / "_quarto.yml"),
    "stylesheet": lambda p: _append(p.root / "reports" / "assets" / "report.css", "a {}\n"),
    "new asset": lambda p: (p.root / "reports" / "assets" / "extra.js").write_text("1;\n"),
    "package module": lambda p: _append(p.root / "models" / "core" / "numbers.py"),
    "new package module": lambda p: (p.root / "models" / "core" / "more.py").write_text(""),
    "removed package module": lambda p: (p.root / "models" / "core" / "numbers.py").unlink(),
    "lock file": lambda p: _append(p.root / "requirements.lock", "scipy==1.18.1\n"),
    "pyproject": lambda p: _append(p.root / "pyproject.toml"),
    "trial file": lambda p: _append(p.trial),
    "priors file": lambda p: _append(p.priors),
    "individual-data file": lambda p: _append(p.root / "data" / SIMULATED_IPD_FILE.name,
                                              "\n"),
    "SBC results written": lambda p: _sbc_file(p.root).write_text("{}\n"),
    "renderer version": lambda p: setattr(p, "renderer", "fallback: stand-in 1.1"),
    "package version": lambda p: p.versions.update(pymc="6.4.1"),
    "report edited by hand": lambda p: _append(p.output, "<!-- edited -->"),
    "record removed": lambda p: record_path(p.output).unlink(),
}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    return Project(tmp_path / "project", monkeypatch)


def test_nothing_changed_does_not_render_again(project, capsys):
    first = project.make_report()
    assert project.renders == 1 and record_path(project.output).is_file()
    for _ in range(2):
        assert project.make_report() == first
    assert project.renders == 1
    captured = capsys.readouterr()
    assert "up to date" in captured.err
    assert captured.out.strip().splitlines()[-1] == str(project.output)


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_single_changed_input_renders_again(project, change):
    project.make_report()
    CHANGES[change](project)
    project.make_report()
    assert project.renders == 2, f"{change}: not rendered again"
    project.make_report()
    assert project.renders == 2, f"{change}: rendered a third time with nothing changed"


def test_force_renders_although_up_to_date(project):
    project.make_report()
    project.make_report("--force")
    assert project.renders == 2


def test_a_failed_render_keeps_the_record_of_the_report_it_left(project, monkeypatch):
    project.make_report()
    record = record_path(project.output).read_text()

    def fail(*args, **kwargs):
        raise RuntimeError("render failed")

    _append(project.priors)
    monkeypatch.setattr(pipeline, "render_report", fail)
    with pytest.raises(RuntimeError):
        project.make_report()
    assert record_path(project.output).read_text() == record
    monkeypatch.setattr(pipeline, "render_report", project._render)
    project.make_report()
    assert project.renders == 2


def test_a_bad_input_is_refused_not_taken_for_up_to_date(project, capsys):
    project.make_report()
    project.priors.write_text("priors:\n  reference: {label: x, unknown_key: 1}\n")
    project.make_report(status=2)
    assert "priors" in capsys.readouterr().err and project.renders == 1


def test_the_project_inputs_cover_every_kind_of_input():
    """The real input list: report source, assets, every package module, the three data
    files, the lock files, the renderer and the versions."""
    inputs = report_inputs(DEFAULT_PRIORS_FILE, TRIAL_COUNTS_FILE)
    files = {path.resolve() for path in inputs.files.values()}
    expected = [ROOT / "reports" / "reanalysis.qmd", ROOT / "reports" / "_quarto.yml",
                *(ROOT / "reports" / "assets").glob("*"), *(ROOT / "models").rglob("*.py"),
                ROOT / "requirements.lock", ROOT / "pyproject.toml",
                TRIAL_COUNTS_FILE, DEFAULT_PRIORS_FILE, SIMULATED_IPD_FILE]
    assert {path.resolve() for path in expected} <= files
    assert inputs.renderer.startswith(("fallback: ", "Quarto "))
    assert {"pymc", "numpy", "scipy"} <= set(inputs.versions)
    digests = inputs.digests()
    assert json.dumps(digests) and len(digests) == len(inputs.files) + 2


@pytest.mark.parametrize(("force", "expected"), [("", False), ("0", False), ("1", True)])
def test_make_passes_force(force, expected):
    dry_run = subprocess.run(["make", "-n", "report", f"FORCE={force}"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    line = next(line for line in dry_run.splitlines() if "models report" in line)
    assert ("--force" in line) is expected
