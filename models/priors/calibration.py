"""Deriving the named priors from clinical statements (Spiegelhalter et al., 1994).

Given an assumed control rate p0, a design odds ratio OR_alt and a tail probability g
(a ``Calibration``), both model families encode the same beliefs:

Logistic (log odds ratio scale)
    skeptical     treatment ~ N(0, s),            s = ln(OR_alt) / z_(1-g), so P(OR > OR_alt) = g
    enthusiastic  treatment ~ N(ln OR_alt, s),    so P(OR < 1) = g
    interaction   ~ N(0, s_int), s_int = ln(OR_int) / z_(1-g): P(interaction OR > OR_int) = g
    intercept     moment-matched to the control-arm Beta below on the log-odds scale
                  (mean digamma(a) - digamma(b), sd sqrt(trigamma(a) + trigamma(b))).

Beta-binomial (proportion scale; ARD_alt = design OR applied to p0, in proportion units)
    skeptical     both arms Beta(p0 m, (1 - p0) m), m solved so P(ARD > ARD_alt) = g
    enthusiastic  control Beta(p0 m, (1 - p0) m), treatment Beta(p_alt m, (1 - p_alt) m),
                  m solved so P(ARD < 0) = g

When fewer events is better (death), the design odds ratio is below 1 and every
statement turns with it: the skeptical prior gives g to an effect beyond the design
effect (OR < OR_alt, ARD < ARD_alt), the enthusiastic one gives g to harm (OR > 1,
ARD > 0); the SDs use |ln OR_alt|.

The reference prior is weakly informative and not calibrated: Beta(1, 1) per arm and
N(0, 2.5) on every logistic coefficient (log-odds per unit of a standardised predictor).
"""

import math
from collections.abc import Callable

from scipy import optimize, special, stats

from models.core.distributions import BetaBinomialPrior, BetaPrior, NormalPrior
from models.core.errors import InputError
from models.exact.beta_contrast import BetaContrast
from models.priors.prior_set import Calibration, LogisticPrior, NamedPrior

REFERENCE_BETA = BetaPrior(1.0, 1.0)
"""Uniform prior on each arm's rate: every rate from 0 to 1 equally plausible a priori."""

REFERENCE_LOG_ODDS_SD = 2.5
"""Weakly informative N(0, 2.5) on log-odds coefficients: ORs within exp(+-4.9) a priori."""

BIOMARKER_SLOPE_SD = 1.0
"""N(0, 1) on the control-arm log OR per SD of log hs-CRP for the calibrated priors: 95%
prior probability that one SD of log hs-CRP multiplies the odds by 0.14 to 7.1. The
calibrated priors make no claim about prognosis, only about the treatment effect."""

PRIOR_SAMPLE_SIZE_BRACKET = (2.0, 10_000.0)
"""Range searched for the Beta prior sample size m (participants per arm)."""


def odds(p: float) -> float:
    return p / (1.0 - p)


def rate_from_odds(value: float) -> float:
    return value / (1.0 + value)


def design_treatment_rate(calibration: Calibration) -> float:
    """The treatment-arm rate implied by the design OR applied to the control rate."""
    return rate_from_odds(calibration.design_odds_ratio * odds(calibration.placebo_rate))


def design_risk_difference(calibration: Calibration) -> float:
    """ARD_alt: the design effect on the risk-difference scale (proportion units)."""
    return design_treatment_rate(calibration) - calibration.placebo_rate


def tail_sd(odds_ratio: float, tail_probability: float) -> float:
    """s = |ln OR| / z_(1-g): the SD of N(0, s) with P(log OR beyond ln OR) = g."""
    return float(abs(math.log(odds_ratio)) / stats.norm.ppf(1.0 - tail_probability))


def beta_with_mean(mean: float, sample_size: float) -> BetaPrior:
    """Beta with the given mean and prior sample size alpha + beta = m."""
    return BetaPrior(mean * sample_size, (1.0 - mean) * sample_size)


def log_odds_moments(prior: BetaPrior) -> NormalPrior:
    """Normal with the mean and SD of logit(p) for p ~ Beta (exact moments)."""
    mean = special.digamma(prior.alpha) - special.digamma(prior.beta)
    sd = math.sqrt(special.polygamma(1, prior.alpha) + special.polygamma(1, prior.beta))
    return NormalPrior(float(mean), sd)


def _solve_sample_size(tail_of: Callable[[float], float], target: float,
                       means: tuple[float, ...]) -> float:
    """Prior sample size m with tail_of(m) = target.

    The search starts where every Beta parameter is at least 1 (bounded densities) and
    doubles m until the tail, which shrinks as m grows, falls below the target; Brent's
    method then solves within that last doubling. Tails are exact
    (:class:`models.exact.beta_contrast.BetaContrast`).
    """
    low = max(PRIOR_SAMPLE_SIZE_BRACKET[0], 1.0 / min(min(m, 1.0 - m) for m in means))
    if not tail_of(low) > target:
        raise InputError("calibration", f"cannot meet a tail probability of {target:g} with "
                         f"Beta priors of mean {', '.join(f'{m:g}' for m in means)}")
    high = low
    while tail_of(high) > target:
        low, high = high, 2.0 * high
        if high > PRIOR_SAMPLE_SIZE_BRACKET[1]:
            raise InputError("calibration", f"needs a prior worth more than "
                             f"{PRIOR_SAMPLE_SIZE_BRACKET[1]:g} participants per arm")
    return optimize.brentq(lambda m: tail_of(m) - target, low, high, xtol=1e-10)


def skeptical_beta_binomial(calibration: Calibration) -> BetaBinomialPrior:
    """Both arms centred on p0; P(ARD beyond ARD_alt) = g (above it when more events is
    better, below it when fewer is)."""
    p0, ard_alt = calibration.placebo_rate, design_risk_difference(calibration)
    higher = calibration.direction == "higher"

    def tail(m: float) -> float:
        arm = beta_with_mean(p0, m)
        contrast = BetaContrast(arm, arm, "ard")
        return float(contrast.sf(ard_alt) if higher else contrast.cdf(ard_alt))

    m = _solve_sample_size(tail, calibration.tail_probability, (p0,))
    return BetaBinomialPrior(beta_with_mean(p0, m), beta_with_mean(p0, m))


def enthusiastic_beta_binomial(calibration: Calibration) -> BetaBinomialPrior:
    """Treatment centred on the design rate, control on p0; P(harm) = g (ARD < 0 when more
    events is better, ARD > 0 when fewer is)."""
    p0, p_alt = calibration.placebo_rate, design_treatment_rate(calibration)
    higher = calibration.direction == "higher"

    def tail(m: float) -> float:
        contrast = BetaContrast(beta_with_mean(p_alt, m), beta_with_mean(p0, m), "ard")
        return float(contrast.cdf(0.0) if higher else contrast.sf(0.0))

    m = _solve_sample_size(tail, calibration.tail_probability, (p0, p_alt))
    return BetaBinomialPrior(beta_with_mean(p_alt, m), beta_with_mean(p0, m))


def _logistic(treatment: NormalPrior, control_beta: BetaPrior,
              calibration: Calibration) -> LogisticPrior:
    interaction_sd = tail_sd(calibration.interaction_odds_ratio, calibration.tail_probability)
    return LogisticPrior(
        intercept=log_odds_moments(control_beta),
        treatment=treatment,
        biomarker=NormalPrior(0.0, BIOMARKER_SLOPE_SD),
        interaction=NormalPrior(0.0, interaction_sd),
    )


def reference_prior() -> NamedPrior:
    """The weakly informative reference prior (not calibrated)."""
    normal = NormalPrior(0.0, REFERENCE_LOG_ODDS_SD)
    return NamedPrior(
        name="reference",
        label="Reference",
        description=("Weakly informative: uniform Beta rates per arm; N(0, 2.5) on every "
                     "log-odds coefficient (U-shaped on the rate scale)."),
        beta_binomial=BetaBinomialPrior(REFERENCE_BETA, REFERENCE_BETA),
        logistic=LogisticPrior(normal, normal, normal, normal),
    )


def calibrated_priors(calibration: Calibration) -> dict[str, NamedPrior]:
    """Skeptical and enthusiastic priors meeting the calibration's statements."""
    g, design_or = calibration.tail_probability, calibration.design_odds_ratio
    s = tail_sd(design_or, g)
    skeptical_bb = skeptical_beta_binomial(calibration)
    enthusiastic_bb = enthusiastic_beta_binomial(calibration)
    percent = f"{100 * g:g}%"
    return {
        "skeptical": NamedPrior(
            name="skeptical",
            label="Skeptical",
            description=(f"No effect expected; {percent} chance of more than the design effect "
                         f"(odds ratio {design_or:g}; for the Beta priors, its risk difference)."),
            beta_binomial=skeptical_bb,
            logistic=_logistic(NormalPrior(0.0, s), skeptical_bb.control, calibration),
        ),
        "enthusiastic": NamedPrior(
            name="enthusiastic",
            label="Enthusiastic",
            description=(f"The design effect (odds ratio {design_or:g}) expected; {percent} "
                         "chance that the treatment is worse than the control."),
            beta_binomial=enthusiastic_bb,
            logistic=_logistic(NormalPrior(math.log(design_or), s), enthusiastic_bb.control,
                               calibration),
        ),
    }
