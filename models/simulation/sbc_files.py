"""The SBC result file, ``reports/_output/sbc.json``: written by ``make sbc``, read by the
report's appendix.

Layout (version 1)::

    {"format": "reanalysis-sbc", "version": 1,
     "created_utc", "run_seconds", "git_commit", "code_sha256", "package_versions",
     "priors_file", "priors_sha256",
     "test": {"name", "family_alpha", "tests", "per_test_level"},
     "calibrated": true | false,
     "cases": [{"model", "prior", "prior_parameters": {term: {"mean", "sd"}},
                "n_treatment", "n_control", "seed", "sampler", "thin", "max_rank",
                "replicates", "fits_with_divergences", "fits_failing_diagnostics",
                "quantities": [{"name", "label", "replicates", "statistic", "p_value",
                                "calibrated", "ranks": [...]}]}]}

``code_sha256`` fingerprints the code that simulates and fits
(:func:`~models.simulation.sbc.sbc_code_fingerprint`: the model structures and the sampler
settings included), so a reader can tell whether the models checked are still today's.
``statistic`` and ``p_value`` are those of the POT-C uniformity test; ``calibrated`` per
quantity is ``p_value >= per_test_level`` (Bonferroni over ``tests``). The ranks are kept
so that the report redraws the figure from the file. The file is written to a temporary
name and moved into place, so a failed run keeps the previous file.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.core.atomic import replacing, with_default_mode
from models.core.errors import InputError
from models.simulation.sbc_ranks import FAMILY_ALPHA, UNIFORMITY_TEST_NAME
from models.simulation.sbc_summary import CaseCalibration, QuantityCalibration, verdict

FORMAT = "reanalysis-sbc"
VERSION = 1


@dataclass(frozen=True)
class SbcRun:
    """An SBC run as the file holds it: the cases and how they were produced."""

    cases: tuple[CaseCalibration, ...]
    created_utc: str
    run_seconds: float
    git_commit: str
    code_sha256: str
    package_versions: dict[str, str]
    priors_file: str
    priors_sha256: str


def to_document(run: SbcRun) -> dict[str, Any]:
    """The JSON document of ``run`` (see the module docstring)."""
    result = verdict(run.cases)
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_utc": run.created_utc,
        "run_seconds": round(run.run_seconds, 1),
        "git_commit": run.git_commit,
        "code_sha256": run.code_sha256,
        "package_versions": run.package_versions,
        "priors_file": run.priors_file,
        "priors_sha256": run.priors_sha256,
        "test": {"name": UNIFORMITY_TEST_NAME, "family_alpha": FAMILY_ALPHA,
                 "tests": result.tests, "per_test_level": result.level},
        "calibrated": result.calibrated,
        "cases": [{
            "model": case.model,
            "prior": case.prior_name,
            "prior_parameters": case.prior_parameters,
            "n_treatment": case.n_treatment,
            "n_control": case.n_control,
            "seed": case.seed,
            "sampler": case.sampler,
            "thin": case.thin,
            "max_rank": case.max_rank,
            "replicates": case.replicates,
            "fits_with_divergences": case.fits_with_divergences,
            "fits_failing_diagnostics": case.fits_failing_diagnostics,
            "quantities": [{
                "name": q.name, "label": q.label, "replicates": q.replicates,
                "statistic": q.statistic, "p_value": q.p_value,
                "calibrated": not result.failed(case, q),
                "ranks": list(q.ranks),
            } for q in case.quantities],
        } for case in run.cases],
    }


def write_sbc(path: Path, run: SbcRun) -> dict[str, Any]:
    """Write ``run`` to ``path`` (atomically) and return the document written."""
    document = to_document(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as temporary:
        temporary.write_text(json.dumps(document, indent=1, allow_nan=True) + "\n")
        with_default_mode(temporary)
    return document


def _field(mapping: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise InputError(f"{where}.{key}", "is missing")
    value = mapping[key]
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise InputError(f"{where}.{key}", f"has the wrong type ({type(value).__name__})")
    return value


def _quantity(item: Any, max_rank: int, where: str) -> QuantityCalibration:
    ranks = _field(item, "ranks", list, where)
    if not all(isinstance(r, int) and not isinstance(r, bool) and 0 <= r <= max_rank
               for r in ranks):
        raise InputError(f"{where}.ranks", f"must be whole numbers from 0 to {max_rank}")
    p_value = float(_field(item, "p_value", (int, float), where))
    if not (math.isnan(p_value) or 0.0 <= p_value <= 1.0):
        raise InputError(f"{where}.p_value", f"must lie in [0, 1], got {p_value}")
    return QuantityCalibration(name=_field(item, "name", str, where),
                               label=_field(item, "label", str, where),
                               ranks=tuple(ranks),
                               statistic=float(_field(item, "statistic", (int, float), where)),
                               p_value=p_value)


def _case(item: Any, where: str) -> CaseCalibration:
    max_rank = _field(item, "max_rank", int, where)
    quantities = _field(item, "quantities", list, where)
    parameters = _field(item, "prior_parameters", dict, where)
    return CaseCalibration(
        model=_field(item, "model", str, where),
        prior_name=_field(item, "prior", str, where),
        prior_parameters={str(term): {"mean": float(_field(p, "mean", (int, float), where)),
                                      "sd": float(_field(p, "sd", (int, float), where))}
                          for term, p in parameters.items()},
        n_treatment=_field(item, "n_treatment", int, where),
        n_control=_field(item, "n_control", int, where),
        seed=_field(item, "seed", int, where),
        sampler=_field(item, "sampler", dict, where),
        thin=_field(item, "thin", int, where),
        max_rank=max_rank,
        fits_with_divergences=_field(item, "fits_with_divergences", int, where),
        fits_failing_diagnostics=_field(item, "fits_failing_diagnostics", int, where),
        quantities=tuple(_quantity(q, max_rank, f"{where}.quantities[{i}]")
                         for i, q in enumerate(quantities)),
    )


def read_sbc(path: Path) -> SbcRun:
    """The run stored in ``path``; ``InputError`` naming the first bad field otherwise."""
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"cannot be read as JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(f"{path}.format", f"must be {FORMAT!r}: not an SBC result file")
    if document.get("version") != VERSION:
        raise InputError(f"{path}.version", f"must be {VERSION}, got "
                         f"{document.get('version')!r}: re-run make sbc")
    where = path.name
    cases = _field(document, "cases", list, where)
    return SbcRun(
        cases=tuple(_case(c, f"{where}.cases[{i}]") for i, c in enumerate(cases)),
        created_utc=_field(document, "created_utc", str, where),
        run_seconds=float(_field(document, "run_seconds", (int, float), where)),
        git_commit=_field(document, "git_commit", str, where),
        code_sha256=_field(document, "code_sha256", str, where),
        package_versions=_field(document, "package_versions", dict, where),
        priors_file=_field(document, "priors_file", str, where),
        priors_sha256=_field(document, "priors_sha256", str, where),
    )
