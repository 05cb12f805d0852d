"""What each named prior says before seeing the data, in clinical terms.

For the beta-binomial prior the statements are exact: the same
:class:`models.exact.beta_contrast.BetaContrast` as the posterior summaries. For the
logistic treatment prior N(mu, s) on the log odds ratio they are normal tail areas.
The logistic prior's effective sample size uses the large-sample variance of a log odds
ratio from two arms of m participants each at control rate p0 (Woolf):
var = 2 / (m p0 (1 - p0)) when both arms share p0, so a N(., s) prior is worth about
2m = 4 / (p0 (1 - p0) s^2) participants in total. It is an approximation for
orientation, not an exact equivalence.

A robust prior (its ``robust`` block) states the same things of its mixtures: the Beta
arms' statements from :class:`~models.exact.beta_mixture.MixtureArms`, the log-OR tail
areas and median from the normal mixture, and both effective sample sizes by ELIR
(:mod:`models.priors.ess`; for one component ELIR equals a + b and the Woolf value).
"""

import math

from scipy import special, stats

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import NormalPrior
from models.core.types import Interval
from models.exact.beta_binomial import INTERVAL_PROBABILITY
from models.exact.beta_contrast import BetaContrast
from models.exact.beta_mixture import MixtureArms
from models.priors.calibration import design_risk_difference
from models.priors.ess import ess_elir, ess_elir_normal
from models.priors.prior_set import Calibration, NamedPrior

DEFAULT_CONTROL_RATE_FOR_ESS = 0.5
"""Control rate used for the logistic ESS when a priors file has no calibration block."""


def normal_tail_above(prior: NormalPrior, value: float) -> float:
    """P(X > value) for X ~ prior."""
    return float(stats.norm.sf(value, loc=prior.mean, scale=prior.sd))


def placebo_rate_interval(intercept: NormalPrior) -> Interval:
    """The control-arm rate a N(mean, sd) prior on its log-odds implies: median and central
    95% interval on the 0-1 scale (exact: the logistic function is monotone, so it maps the
    normal quantiles to the rate's quantiles)."""
    tail = (1.0 - INTERVAL_PROBABILITY) / 2.0
    quantiles = stats.norm.ppf([0.5, tail, 1.0 - tail], loc=intercept.mean, scale=intercept.sd)
    return Interval(*(float(value) for value in special.expit(quantiles)))


def logistic_effective_sample_size(prior: NormalPrior, control_rate: float) -> float:
    """Approximate total participants a N(., sd) log-OR prior is worth (see module doc)."""
    return 4.0 / (control_rate * (1.0 - control_rate) * prior.sd**2)


def implied_statements(prior: NamedPrior, calibration: Calibration | None,
                       direction: Direction = DEFAULT_DIRECTION) -> dict[str, float]:
    """Prior probabilities and effective sample sizes implied by one named prior.

    Benefit follows the calibration's direction (a design OR below 1: fewer events is
    better), or ``direction`` without a calibration. Keys: ``bb_p_benefit``, ``bb_p_harm``
    (1 - P(benefit)), ``bb_ard_median``, ``bb_ard_lower``, ``bb_ard_upper`` (95%),
    ``bb_ess_treatment``, ``bb_ess_control`` (alpha + beta, participants),
    ``logistic_p_benefit`` (P(OR > 1), or P(OR < 1)), ``logistic_or_median``,
    ``logistic_ess`` (approximate participants in total) and, with a calibration,
    ``design_ard``, ``bb_p_beyond_design`` (P(ARD beyond the design ARD, towards
    benefit)), ``bb_p_or_beyond_design`` and ``logistic_p_beyond_design``.
    """
    if calibration is not None:
        direction = calibration.direction
    if prior.has_mixtures:
        return _robust_statements(prior, calibration, direction)
    higher = direction == "higher"
    bb = prior.beta_binomial
    ard = BetaContrast.of(bb, "ard")
    tail = (1.0 - INTERVAL_PROBABILITY) / 2.0
    treatment = prior.logistic.treatment
    control_rate = calibration.placebo_rate if calibration else DEFAULT_CONTROL_RATE_FOR_ESS
    out = _statements(
        higher, float(ard.sf(0.0)), tuple(float(v) for v in ard.ppf([0.5, tail, 1.0 - tail])),
        (bb.treatment.effective_sample_size, bb.control.effective_sample_size),
        normal_tail_above(treatment, 0.0), math.exp(treatment.mean),
        logistic_effective_sample_size(treatment, control_rate))
    if calibration is not None:
        design_ard = design_risk_difference(calibration)
        design_or = calibration.design_odds_ratio
        odds_ratio = BetaContrast.of(bb, "or")
        out.update(_design_statements(
            higher, design_ard, float(ard.sf(design_ard)), float(odds_ratio.sf(design_or)),
            normal_tail_above(treatment, math.log(design_or))))
    return out


def _statements(higher: bool, ard_above_0: float, ard_quantiles: tuple[float, ...],
                ess: tuple[float, float], log_or_above_0: float, or_median: float,
                logistic_ess: float) -> dict[str, float]:
    """The keys of :func:`implied_statements` without a calibration, from the prior's
    P(ARD > 0), ARD median and 95% limits, Beta worth per arm, P(log OR > 0), median OR and
    log-OR worth; benefit follows ``higher``."""
    p_benefit = ard_above_0 if higher else 1.0 - ard_above_0
    median, lower, upper = ard_quantiles
    return {
        "bb_p_benefit": p_benefit,
        "bb_p_harm": 1.0 - p_benefit,
        "bb_ard_median": median,
        "bb_ard_lower": lower,
        "bb_ard_upper": upper,
        "bb_ess_treatment": ess[0],
        "bb_ess_control": ess[1],
        "logistic_p_benefit": log_or_above_0 if higher else 1.0 - log_or_above_0,
        "logistic_or_median": or_median,
        "logistic_ess": logistic_ess,
    }


def _design_statements(higher: bool, design_ard: float, ard_above: float, or_above: float,
                       log_or_above: float) -> dict[str, float]:
    """The calibration's keys of :func:`implied_statements`, from the prior's P(ARD > design
    ARD), P(OR > design OR) (Beta arms) and P(log OR > log design OR) (normal prior)."""
    return {
        "design_ard": design_ard,
        "bb_p_beyond_design": ard_above if higher else 1.0 - ard_above,
        "bb_p_or_beyond_design": or_above if higher else 1.0 - or_above,
        "logistic_p_beyond_design": log_or_above if higher else 1.0 - log_or_above,
    }


def _robust_statements(prior: NamedPrior, calibration: Calibration | None,
                       direction: Direction) -> dict[str, float]:
    """:func:`implied_statements` of a prior with Beta or normal mixtures: the same keys,
    from its mixtures (effective sample sizes by ELIR)."""
    higher = direction == "higher"
    arms = MixtureArms(*prior.beta_mixtures)
    tail = (1.0 - INTERVAL_PROBABILITY) / 2.0
    log_or = prior.log_odds_ratio_mixture
    control_rate = calibration.placebo_rate if calibration else DEFAULT_CONTROL_RATE_FOR_ESS
    out = _statements(
        higher, float(arms.sf(0.0)), tuple(arms.ppf(q) for q in (0.5, tail, 1.0 - tail)),
        (ess_elir(arms.treatment), ess_elir(arms.control)), log_or.sf(0.0),
        math.exp(log_or.ppf(0.5)), ess_elir_normal(log_or, control_rate))
    if calibration is not None:
        design_ard = design_risk_difference(calibration)
        design_or = calibration.design_odds_ratio
        out.update(_design_statements(
            higher, design_ard, float(arms.sf(design_ard)), float(arms.sf(design_or, "or")),
            log_or.sf(math.log(design_or))))
    return out
