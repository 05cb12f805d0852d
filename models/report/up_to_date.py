"""Is the report at an output path already made from exactly today's inputs?

``make report`` re-renders only when something the report depends on has changed, as
Quarto's freeze skips work whose inputs have not. The inputs are every file that can
change the page, each identified by its SHA-256, plus the renderer and its version:

- the report source (``reports/reanalysis.qmd``, ``reports/_quarto.yml``, ``reports/assets/*``);
- the package source (``models/**/*.py``: what the report imports and computes with);
- the trial file, the priors file and the trial's individual-data file (``trial.ipd.path``);
- the simulation-based calibration results (``reports/_output/sbc.json``) when they exist;
- the lock file (``requirements.lock``) and ``pyproject.toml``, and the installed versions of
  the packages that make the numbers and the page (:data:`models.core.provenance.PACKAGES`);
- the renderer: Quarto and its version (``quarto --version``), or the fallback with the
  versions of jupytext, papermill and pandoc (``pypandoc-binary``).

After a successful render the digests are written beside the output, with the SHA-256 of
the HTML written (:func:`record_render`), to ``.<output name>.inputs.json``. The report is
up to date when that record exists, its HTML is still the file it describes, and every
digest is the same (:func:`changed_inputs` returns an empty list). Anything that cannot be
read makes the answer "not up to date": the render then runs and reports the problem.
Computing the digests reads and hashes about 200 small files: a few tens of milliseconds.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from models.core import paths
from models.core.atomic import write_text_atomically
from models.core.paths import REPORT_SOURCE, ROOT
from models.core.provenance import PACKAGES, file_sha256, package_versions

RECORD_SCHEMA = 1
LOCK_FILES = ("requirements.lock", "pyproject.toml")
FALLBACK_PARTS = ("jupytext", "papermill", "pypandoc-binary")
"""Packages whose versions name the fallback renderer (pandoc comes with pypandoc-binary)."""
RENDERER_ROLE = "renderer"
VERSIONS_ROLE = "installed packages"


@dataclass(frozen=True)
class ReportInputs:
    """What one render depends on: files by role, the renderer and the package versions.

    Roles are stable names (``"priors file"``, ``"package source: models/core/paths.py"``)
    so that a changed input can be named to the user.
    """

    files: Mapping[str, Path]
    renderer: str
    versions: Mapping[str, str]

    def digests(self) -> dict[str, str]:
        """Role -> SHA-256 of the file's bytes (or of the renderer's / versions' text)."""
        digests = {role: file_sha256(path) for role, path in sorted(self.files.items())}
        digests[RENDERER_ROLE] = _text_digest(self.renderer)
        digests[VERSIONS_ROLE] = _text_digest(json.dumps(dict(self.versions), sort_keys=True))
        return digests


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def renderer_identity() -> str:
    """The renderer ``make report`` would use now, with its version: ``"Quarto 1.6.40"``
    or ``"fallback: jupytext 1.19.6 + papermill 2.7.0 + pypandoc-binary 1.17"``. Honours
    ``RENDERER`` as the render does (:func:`models.report.render.choice.choose_quarto`)."""
    from models.report.render.choice import choose_quarto

    quarto = choose_quarto()
    if quarto:
        from models.report.render.quarto import quarto_version

        return f"Quarto {quarto_version(quarto)}"
    parts = [f"{name} {metadata.version(name)}" for name in FALLBACK_PARTS]
    return "fallback: " + " + ".join(parts)


def report_inputs(priors_file: Path, trial_file: Path, *, root: Path | None = None,
                  source: Path | None = None) -> ReportInputs:
    """Every input of a render of ``source`` (default the project's report) with these
    priors and trial files, the package source under ``root`` (default the project's).

    The trial file is read (and validated) only to find its individual-data file; raises
    :class:`~models.core.errors.InputError` for a bad trial file, as the render would.
    """
    from models.data.trial import load_trial

    root = root or ROOT
    source = source or REPORT_SOURCE
    folder = source.parent
    files: dict[str, Path] = {"report source": source}
    for path in sorted([folder / "_quarto.yml", *(folder / "assets").glob("*")]):
        if path.is_file():
            files[f"report source: {path.relative_to(root).as_posix()}"] = path
    for path in sorted((root / "models").rglob("*.py")):
        files[f"package source: {path.relative_to(root).as_posix()}"] = path
    for name in LOCK_FILES:
        if (root / name).is_file():
            files[f"lock file: {name}"] = root / name
    files["trial file"] = Path(trial_file)
    files["priors file"] = Path(priors_file)
    trial = load_trial(trial_file)
    if trial.ipd is not None:
        files["individual-data file"] = trial.ipd.path
    sbc = root / paths.SBC_FILE.relative_to(paths.ROOT)
    if sbc.is_file():
        files["SBC results"] = sbc
    return ReportInputs(files=files, renderer=renderer_identity(),
                        versions=package_versions(PACKAGES))


def record_path(output: Path) -> Path:
    """Where the digests of the render that wrote ``output`` are kept (beside it)."""
    return output.with_name(f".{output.name}.inputs.json")


def record_render(output: Path, digests: Mapping[str, str]) -> None:
    """Write the digests of the inputs ``output`` was just rendered from, and the HTML's
    own SHA-256 (atomically: a half-written record is never read)."""
    record = {"schema": RECORD_SCHEMA, "output_sha256": file_sha256(output),
              "inputs": dict(digests)}
    write_text_atomically(json.dumps(record, indent=1, sort_keys=True) + "\n",
                          record_path(output))


def changed_inputs(output: Path, digests: Mapping[str, str]) -> list[str]:
    """The roles whose digests differ from the record of ``output``'s render (added,
    removed or changed), ``["report"]`` when there is no valid record or the HTML is not
    the one recorded; an empty list when the report is up to date."""
    try:
        record = json.loads(record_path(output).read_text(encoding="utf-8"))
        recorded = record["inputs"]
        if record["schema"] != RECORD_SCHEMA or record["output_sha256"] != file_sha256(output):
            return ["report"]
    except (OSError, ValueError, KeyError, TypeError):
        return ["report"]
    if not isinstance(recorded, dict):
        return ["report"]
    roles = sorted(set(recorded) | set(digests))
    return [role for role in roles if recorded.get(role) != digests.get(role)]
