"""How this render was made, as the report's "Reproduce this report" box.

:func:`collect_provenance` gathers, once per render, the commit (flagged when the working
tree has uncommitted changes), the SHA-256 of every input file and of the code, the seeds,
the sampler settings, the package versions and the renderer;
:func:`reproduce_box` writes them as a Markdown callout with the commands that
re-create the report from a clone. The priors file's name is the user's text: it is
written in a code span fenced longer than any backtick it holds
(:func:`models.report.format.code_span`), and shell-quoted in the command so that it
stays one argument.
"""

import html
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from models.core.paths import ROOT, TRIAL_COUNTS_FILE
from models.core.provenance import git_commit, input_hashes, package_versions, renderer, source_hash
from models.mcmc.predictive import PPC_SEED
from models.mcmc.sampling import SamplerSettings, interaction_settings
from models.report.format import code_span
from models.report.render.conditions import apply_conditions
from models.simulation.process import DEFAULT_SEED as IPD_SEED

UNCOMMITTED = "uncommitted"
"""Marker that :func:`models.core.provenance.git_commit` adds for a dirty working tree."""


@dataclass(frozen=True)
class Provenance:
    """What produced one render.

    Attributes
    ----------
    commit
        ``git rev-parse HEAD``, with ``+ uncommitted changes`` for a dirty tree.
    renderer
        The renderer the pipeline announced (Quarto, or the fallback with its versions).
    inputs, hashes
        Input files by role ("priors file", "trial file", and "simulated IPD" when used)
        and their SHA-256.
    code_hash
        SHA-256 over ``models/`` and the report source.
    priors_argument, trial_argument
        The ``PRIORS=`` and ``TRIAL=`` values that re-create the render: relative to the
        project root when the file lies inside it, else the file's name.
    versions
        Python and package versions.
    sampler, study_sampler
        MCMC settings of the report's fits (None when nothing was sampled) and of the
        simulation study's fits.
    mcmc_seed, ppc_seed, ipd_seed, study_seed
        Seeds of the sampler, the posterior predictive replicates, the simulated IPD and
        the simulation study (``study_sampler`` and ``study_seed`` None without individual
        data).
    """

    commit: str
    renderer: str
    inputs: dict[str, Path]
    hashes: dict[str, str]
    code_hash: str
    priors_argument: str
    trial_argument: str
    versions: dict[str, str]
    sampler: SamplerSettings | None
    study_sampler: SamplerSettings | None
    ppc_seed: int
    ipd_seed: int
    study_seed: int | None

    @property
    def dirty(self) -> bool:
        """True when the render came from a working tree with uncommitted changes."""
        return UNCOMMITTED in self.commit


def priors_argument(priors_path: Path, root: Path = ROOT) -> str:
    """The ``make report PRIORS=...`` (or ``TRIAL=...``) value for a path."""
    resolved = priors_path.resolve()
    return str(resolved.relative_to(root) if resolved.is_relative_to(root) else resolved.name)


def collect_provenance(priors_path: Path, trial_path: Path, ipd_path: Path | None,
                       sampler: SamplerSettings | None, study_sampler: SamplerSettings | None,
                       study_seed: int | None) -> Provenance:
    """Commit, input and code hashes, versions and renderer of the current render."""
    inputs = {"priors file": priors_path.resolve(), "trial file": trial_path.resolve()}
    if ipd_path is not None:
        inputs["simulated IPD"] = ipd_path.resolve()
    return Provenance(
        commit=git_commit(), renderer=renderer(), inputs=inputs,
        hashes=input_hashes(inputs), code_hash=source_hash(),
        priors_argument=priors_argument(priors_path),
        trial_argument=priors_argument(trial_path), versions=package_versions(),
        sampler=sampler, study_sampler=study_sampler, ppc_seed=PPC_SEED, ipd_seed=IPD_SEED,
        study_seed=study_seed,
    )


def _longest_backtick_run(text: str) -> int:
    """The length of the longest run of backticks in ``text`` (0 when none)."""
    run = longest = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def reproduce_box(provenance: Provenance) -> str:
    """The "Reproduce this report" callout (Markdown): commands, then what was used."""
    settings, study = provenance.sampler, provenance.study_sampler
    make = "make report PRIORS=" + shlex.quote(provenance.priors_argument)
    if provenance.trial_argument != priors_argument(TRIAL_COUNTS_FILE):
        make += " TRIAL=" + shlex.quote(provenance.trial_argument)
    command = [f"git checkout {provenance.commit.split()[0]}", make]
    fence = "`" * max(3, 1 + _longest_backtick_run("\n".join(command)))
    lines = [
        '::: {.callout-tip title="Reproduce this report"}',
        "From a clone of the project:",
        "",
        fence,
        *command,
        fence,
        "",
    ]
    if provenance.dirty:
        lines += ["**This render was made from a working tree with uncommitted changes**: the "
                  "commit above does not contain all of the code that produced it; compare "
                  "the code hash below.", ""]
    lines += [
        f"- **Renderer:** {provenance.renderer}",
        f"- **Git commit:** `{provenance.commit}`",
    ]
    lines += [f"- **{role}:** {code_span(path.name)}, sha256 `{provenance.hashes[role]}`"
              for role, path in provenance.inputs.items()]
    lines.append(f"- **Code** (`models/` and the report source): sha256 `{provenance.code_hash}`")
    if settings is None:
        seeds = "none: no random numbers are drawn"
        sampler = "none: every result is closed form (no MCMC)"
    else:
        seeds = f"MCMC {settings.seed}; posterior predictive {provenance.ppc_seed}"
        sampler = (f"PyMC model sampled by nutpie NUTS; {settings.chains} chains x "
                   f"{settings.draws} draws after {settings.tune} tuning steps, target "
                   f"acceptance {settings.target_accept}")
    if study is not None and settings is not None:
        seeds += (f"; simulated IPD {provenance.ipd_seed}; simulation study "
                  f"{provenance.study_seed}")
        sampler += (f"; interaction model {settings.chains} x "
                    f"{interaction_settings(settings).draws}; simulation study "
                    f"{study.chains} x {study.draws}")
    lines += [
        f"- **Seeds:** {seeds}",
        f"- **Sampler:** {sampler}",
        "- **Versions:** " + ", ".join(f"{k} {v}" for k, v in provenance.versions.items()),
        ":::",
    ]
    return "\n".join(lines)


def source_listing(source: Path, metadata: Mapping[str, object] | None = None) -> str:
    """The report's own source as one folded "Code" block at the end of the page (raw
    HTML, escaped), instead of a toggle per cell: readers who want the code see every cell
    in order, and the page stays short for those who do not. With ``metadata`` the source
    is shown as rendered for this trial: its conditional parts resolved
    (:func:`~models.report.render.conditions.apply_conditions`)."""
    raw = source.read_text(encoding="utf-8")
    text = html.escape(apply_conditions(raw, metadata) if metadata is not None else raw)
    return (f'<details class="report-source"><summary>Code: the source of this report '
            f"({html.escape(source.name)})</summary>\n<pre><code>{text}</code></pre>\n"
            "</details>")
