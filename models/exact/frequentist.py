"""Frequentist reference values for a two-arm binary outcome (for orientation only).

Readers who know p-values need an anchor: Fisher's exact test (two-sided and one-sided,
scipy), the sample odds ratio with its Wald 95% interval on the log scale, the observed
risk difference (proportion units) and the observed NNT = 1 / ARD.
"""

import math
from dataclasses import dataclass

from scipy import stats

from models.data.trial import OutcomeCounts

WALD_Z = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class FrequentistSummary:
    """Observed effects and classical tests for one outcome."""

    risk_difference: float
    odds_ratio: float
    odds_ratio_lower: float
    odds_ratio_upper: float
    fisher_p_two_sided: float
    fisher_p_one_sided: float
    wald_p_one_sided: float
    nnt: float


def frequentist_summary(counts: OutcomeCounts) -> FrequentistSummary:
    """Fisher exact p-values, Wald OR interval and observed ARD / NNT (no zero cells here;
    a zero cell gives an infinite Wald interval, reported as such). One-sided p-values
    test towards benefit (OR > 1, or OR < 1 when fewer events is better); NNT is 1 over
    the observed benefit (infinite when there is none)."""
    higher = counts.direction == "higher"
    a, b = counts.treatment.events, counts.treatment.n - counts.treatment.events
    c, d = counts.control.events, counts.control.n - counts.control.events
    table = [[a, b], [c, d]]
    two_sided = stats.fisher_exact(table, alternative="two-sided").pvalue
    one_sided = stats.fisher_exact(table, alternative="greater" if higher else "less").pvalue
    ard = counts.treatment.rate - counts.control.rate
    if min(a, b, c, d) == 0:
        odds, lower, upper, wald_one = float("nan"), 0.0, math.inf, float("nan")
    else:
        log_or = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        odds = math.exp(log_or)
        lower, upper = math.exp(log_or - WALD_Z * se), math.exp(log_or + WALD_Z * se)
        wald_one = float(stats.norm.sf(log_or / se) if higher else stats.norm.cdf(log_or / se))
    benefit = ard if higher else -ard
    return FrequentistSummary(ard, odds, lower, upper, float(two_sided), float(one_sided),
                              wald_one, 1 / benefit if benefit > 0 else math.inf)
