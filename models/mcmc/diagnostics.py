"""MCMC convergence diagnostics for one fit, with the project's thresholds.

Thresholds follow Vehtari et al. (2021): rank-normalised split R-hat <= 1.01, bulk
and tail effective sample size >= 400, and no divergent transitions. Values come
from ArviZ (``arviz.rhat``, ``arviz.ess``); nothing is re-implemented here.
"""

from dataclasses import asdict, dataclass

import arviz as az
import xarray as xr

RHAT_MAX = 1.01
ESS_MIN = 400


@dataclass(frozen=True)
class Diagnostics:
    """Worst-case diagnostics over all parameters of one fit."""

    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int

    @property
    def problems(self) -> list[str]:
        """Human-readable list of failed checks (empty when the fit passes)."""
        found = []
        if not self.rhat_max <= RHAT_MAX:
            found.append(f"R-hat {self.rhat_max:.3f} > {RHAT_MAX}")
        if not self.ess_bulk_min >= ESS_MIN:
            found.append(f"bulk ESS {self.ess_bulk_min:.0f} < {ESS_MIN}")
        if not self.ess_tail_min >= ESS_MIN:
            found.append(f"tail ESS {self.ess_tail_min:.0f} < {ESS_MIN}")
        if self.divergences:
            found.append(f"{self.divergences} divergent transitions")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _worst(dataset: xr.Dataset, reduce: str) -> float:
    values = [float(getattr(dataset[name], reduce)()) for name in dataset.data_vars]
    return max(values) if reduce == "max" else min(values)


def diagnose(idata: xr.DataTree, var_names: list[str]) -> Diagnostics:
    """Max R-hat, min bulk/tail ESS over ``var_names``, and the number of divergences."""
    return Diagnostics(
        rhat_max=_worst(az.rhat(idata, var_names=var_names), "max"),
        ess_bulk_min=_worst(az.ess(idata, var_names=var_names, method="bulk"), "min"),
        ess_tail_min=_worst(az.ess(idata, var_names=var_names, method="tail"), "min"),
        divergences=int(idata["sample_stats"]["diverging"].sum()),
    )
