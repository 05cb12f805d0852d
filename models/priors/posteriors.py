"""The exact posterior of a named prior, robust or not, for one outcome's counts.

A plain named prior gives one Beta per arm and one normal prior on the log odds ratio; a
robust one (its ``robust`` block) gives mixtures. These two functions pick the exact
machinery that matches, so that callers (the command line, the report) treat every named
prior alike: the aggregate logistic model by deterministic integration
(:class:`~models.exact.logistic_posterior.LogisticPosterior`, or its mixture
:class:`~models.exact.logistic_mixture.LogisticMixturePosterior`), and the beta-binomial
model as Beta-mixture arms (:class:`~models.exact.beta_mixture.MixtureArms`).
"""

from models.core.distributions import BetaBinomialPrior
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import ARD_THRESHOLDS, ExactResult, fit_exact
from models.exact.beta_mixture import MixtureArms, MixtureResult
from models.exact.logistic_mixture import LogisticMixturePosterior
from models.exact.logistic_posterior import LogisticPosterior
from models.priors.prior_set import NamedPrior


def logistic_posterior(prior: NamedPrior,
                       counts: OutcomeCounts) -> LogisticPosterior | LogisticMixturePosterior:
    """The aggregate logistic model's exact posterior under ``prior`` (a mixture when robust)."""
    if prior.robust is None:
        return LogisticPosterior(counts, prior.logistic.intercept, prior.logistic.treatment)
    return LogisticMixturePosterior(counts, prior.logistic.intercept,
                                    prior.log_odds_ratio_mixture)


def beta_mixture_prior(prior: NamedPrior) -> MixtureArms:
    """The beta-binomial rate priors of both arms as mixtures (one component unless robust)."""
    return MixtureArms(*prior.beta_mixtures)


def beta_mixture_posterior(prior: NamedPrior, counts: OutcomeCounts) -> MixtureArms:
    """The beta-binomial posterior of both arms as mixtures, weights updated by each
    component's marginal likelihood."""
    return beta_mixture_prior(prior).given(counts)


def fit_beta_binomial(prior: NamedPrior, counts: OutcomeCounts,
                      thresholds: tuple[float, ...] = ARD_THRESHOLDS,
                      ) -> ExactResult | MixtureResult:
    """The exact beta-binomial analysis under ``prior``: conjugate Betas
    (:func:`~models.exact.beta_binomial.fit_exact`) or, for a robust prior, Beta mixtures."""
    if not prior.has_mixtures:
        return fit_exact(prior.beta_binomial, counts, thresholds)
    posterior = beta_mixture_posterior(prior, counts)
    return MixtureResult(beta_mixture_prior(prior), posterior,
                         posterior.summary(thresholds, counts.direction))


def beta_binomial_arms(prior: NamedPrior) -> BetaBinomialPrior | MixtureArms:
    """A named prior's Beta arms as the beta-binomial functions take them (sampled model,
    densities, assurance): single Betas, or a robust prior's mixtures."""
    return prior.beta_binomial if not prior.has_mixtures else beta_mixture_prior(prior)

