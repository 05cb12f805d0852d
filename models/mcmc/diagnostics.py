"""MCMC convergence diagnostics for one fit, with the project's thresholds.

Thresholds follow Vehtari et al. (2021): rank-normalised split R-hat <= 1.01, bulk
and tail effective sample size >= 400, and no divergent transitions. The sampler's own
health is checked too: the energy Bayesian fraction of missing information (E-BFMI) of
every chain must be at least 0.3 (Betancourt, 2016, "Diagnosing suboptimal cotangent
disintegrations in Hamiltonian Monte Carlo", arXiv:1604.00695; the rule of thumb of
Stan and ArviZ), and no transition may stop at the maximum tree depth (a saturated tree
means NUTS was cut short and explores slowly).

Values come from ArviZ (``arviz.rhat``, ``arviz.ess``, ``arviz_stats.bfmi``) and the
sampler's ``sample_stats`` (``diverging``, ``maxdepth_reached``); nothing is
re-implemented here. A NaN anywhere (an R-hat or ESS that could not be computed for one
element of one parameter, e.g. a constant chain) makes the worst-case value NaN, and NaN
counts as a failure: it is never skipped.
"""

import math
from dataclasses import asdict, dataclass

import arviz as az
import numpy as np
import xarray as xr
from arviz_stats import bfmi

RHAT_MAX = 1.01
ESS_MIN = 400
EBFMI_MIN = 0.3
"""Smallest acceptable E-BFMI of a chain (Betancourt 2016; ArviZ's rule of thumb)."""


def _bound_problem(name: str, value: float, scope: str, within: bool,
                   failure: str) -> list[str]:
    """The problem with one diagnostic bound, if any: undefined (NaN, which never counts as
    within a bound) or outside it (``failure``)."""
    if math.isnan(value):
        return [f"{name} undefined (NaN) for some {scope}"]
    return [] if within else [failure]


@dataclass(frozen=True)
class Diagnostics:
    """Worst-case diagnostics over all parameters (and chains) of one fit.

    ``rhat_max``, ``ess_bulk_min`` and ``ess_tail_min`` are NaN when any element of any
    parameter has an undefined value. ``ebfmi_min`` is the smallest per-chain E-BFMI
    (``inf`` when the sampler recorded no energy, i.e. not measured); ``max_depth_hits``
    counts transitions that reached the maximum tree depth.
    """

    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int
    ebfmi_min: float = math.inf
    max_depth_hits: int = 0

    @property
    def problems(self) -> list[str]:
        """Human-readable list of failed checks (empty when the fit passes); NaN fails."""
        found = [
            *_bound_problem("R-hat", self.rhat_max, "parameter", self.rhat_max <= RHAT_MAX,
                            f"R-hat {self.rhat_max:.3f} > {RHAT_MAX}"),
            *_bound_problem("bulk ESS", self.ess_bulk_min, "parameter",
                            self.ess_bulk_min >= ESS_MIN,
                            f"bulk ESS {self.ess_bulk_min:.0f} < {ESS_MIN}"),
            *_bound_problem("tail ESS", self.ess_tail_min, "parameter",
                            self.ess_tail_min >= ESS_MIN,
                            f"tail ESS {self.ess_tail_min:.0f} < {ESS_MIN}"),
        ]
        if self.divergences:
            found.append(f"{self.divergences} divergent transitions")
        found += _bound_problem("E-BFMI", self.ebfmi_min, "chain", self.ebfmi_min >= EBFMI_MIN,
                                f"E-BFMI {self.ebfmi_min:.2f} < {EBFMI_MIN}")
        if self.max_depth_hits:
            found.append(f"{self.max_depth_hits} transitions hit the maximum tree depth")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _worst(dataset: xr.Dataset, reduce: str) -> float:
    """Max (``reduce="max"``) or min over every element of every variable; NaN if any
    element is NaN (numpy's max/min propagate NaN, xarray's would skip it)."""
    values = np.concatenate([np.asarray(dataset[name].values, dtype=float).reshape(-1)
                             for name in dataset.data_vars])
    return float(np.max(values) if reduce == "max" else np.min(values))


def _ebfmi_min(idata: xr.DataTree) -> float:
    """Smallest per-chain E-BFMI (``inf`` when no energy was recorded)."""
    if "energy" not in idata["sample_stats"].data_vars:
        return math.inf
    return _worst(bfmi(idata).to_dataset(), "min")


def _max_depth_hits(idata: xr.DataTree) -> int:
    """Transitions that stopped at the maximum tree depth (nutpie's ``maxdepth_reached``;
    Stan-style samplers' ``reached_max_treedepth``); 0 when not recorded."""
    stats = idata["sample_stats"].to_dataset()
    for name in ("maxdepth_reached", "reached_max_treedepth"):
        if name in stats.data_vars:
            return int(np.sum(stats[name].values))
    return 0


def diagnose(idata: xr.DataTree, var_names: list[str]) -> Diagnostics:
    """Max R-hat, min bulk/tail ESS over ``var_names`` (NaN if any is undefined), the number
    of divergences, the smallest chain E-BFMI and the transitions at maximum tree depth."""
    return Diagnostics(
        rhat_max=_worst(az.rhat(idata, var_names=var_names), "max"),
        ess_bulk_min=_worst(az.ess(idata, var_names=var_names, method="bulk"), "min"),
        ess_tail_min=_worst(az.ess(idata, var_names=var_names, method="tail"), "min"),
        divergences=int(np.sum(idata["sample_stats"].to_dataset()["diverging"].values)),
        ebfmi_min=_ebfmi_min(idata),
        max_depth_hits=_max_depth_hits(idata),
    )
