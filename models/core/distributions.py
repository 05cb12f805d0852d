"""The two parametric families used for priors and posteriors, as printable values.

``BetaPrior`` is a Beta(alpha, beta) distribution on a proportion (0-1 scale);
``NormalPrior`` a normal distribution on a log-odds or log-ratio scale;
``BetaBinomialPrior`` a pair of independent Betas, one per arm (treatment, control).
They carry no numbers of their own: values come from the priors file or from a
conjugate update. Their string forms follow Bambi's ``Name(k: v)`` convention so that a
report can print exactly what was used.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class BetaPrior:
    """Beta(alpha, beta) on a proportion; prior effective sample size alpha + beta."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def effective_sample_size(self) -> float:
        """alpha + beta: the number of 'prior participants' the Beta is worth."""
        return self.alpha + self.beta

    def updated(self, events: int, n: int) -> "BetaPrior":
        """Conjugate update with ``events`` out of ``n``: Beta(alpha + x, beta + n - x)."""
        return BetaPrior(self.alpha + events, self.beta + n - events)

    def __str__(self) -> str:
        return f"Beta(alpha: {self.alpha:g}, beta: {self.beta:g})"


@dataclass(frozen=True)
class NormalPrior:
    """Normal(mean, sd) on a log-odds scale quantity."""

    mean: float
    sd: float

    def __str__(self) -> str:
        return f"Normal(mean: {self.mean:g}, sd: {self.sd:g})"


@dataclass(frozen=True)
class BetaBinomialPrior:
    """Independent Beta priors on the treatment and control outcome rates."""

    treatment: BetaPrior
    control: BetaPrior
