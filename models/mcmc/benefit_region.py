"""Where the probability of benefit given hs-CRP is high, read off a sampled curve.

The interaction model gives P(tocilizumab better | hs-CRP) on a grid of hs-CRP values
(mg/L) with the Monte Carlo SE of each point (``IpdResult.curves``). This module
summarises such a curve for a probability level: the peak (with its MCSE, so a peak
within Monte Carlo error of the level can be recognised as such) and the range of grid
values at or above the level.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class BenefitRegion:
    """Where P(benefit | hs-CRP) is high, read off a curve on an hs-CRP grid (mg/L).

    ``lowest``/``highest`` bound the grid values with P >= level (None when none is);
    ``everywhere`` is True when every grid value qualifies. The peak carries its MCSE,
    so a peak within Monte Carlo error of the level can be recognised as such.
    """

    level: float
    peak: float
    peak_mcse: float
    peak_crp: float
    lowest: float | None
    highest: float | None
    everywhere: bool
    grid_lower: float
    grid_upper: float


def benefit_region(curves: pd.DataFrame, level: float) -> BenefitRegion:
    """Summarise a P(benefit | hs-CRP) curve (columns crp_mg_l, p_benefit, p_benefit_mcse).

    A NaN point (a probability that could not be estimated) is never the peak and never
    inside the region; a curve with no number at all has a NaN peak.
    """
    crp, p = curves["crp_mg_l"].to_numpy(), curves["p_benefit"].to_numpy()
    top = int(np.argmax(np.where(np.isnan(p), -np.inf, p)))
    above = crp[p >= level]
    return BenefitRegion(
        level=level, peak=float(p[top]),
        peak_mcse=float(curves["p_benefit_mcse"].to_numpy()[top]), peak_crp=float(crp[top]),
        lowest=float(above.min()) if above.size else None,
        highest=float(above.max()) if above.size else None,
        everywhere=bool(above.size == crp.size),
        grid_lower=float(crp[0]), grid_upper=float(crp[-1]))
