"""Rank statistics of simulation-based calibration (SBC) and the test of their uniformity.

SBC (Talts et al. 2018, arXiv:1804.06788; Modrak et al. 2023, Bayesian Analysis,
doi:10.1214/23-BA1404) draws a true parameter from the prior, simulates a data set from it,
fits the model and counts the posterior draws below the truth: the **rank**. If the model
code, the priors handed to the sampler and the sampler together compute the right
posterior, the rank of every quantity is uniform on ``0 .. L`` (``L`` kept draws), over
replicates. Too many ranks in the middle means posteriors too wide; piled at both ends,
too narrow; at one end, biased.

- Draws are **thinned** before ranking (every ``thin``-th draw of each chain): SBC's
  uniformity holds for independent draws, and autocorrelated draws make ranks clump
  (Talts et al., section 5.1).
- Ranks are made **fractional** for the test and the figure: ``(rank + U) / (L + 1)`` with
  ``U ~ Uniform(0, 1)`` from a fixed seed, which is exactly Uniform(0, 1) under
  calibration (the usual randomisation of a discrete PIT; ArviZ does the same for
  integer data) and so suits tests made for continuous values.
- The **test** is ArviZ's default uniformity test, POT-C (pointwise order-statistic tests
  with a truncated Cauchy combination; Tesso & Vehtari 2026, arXiv:2603.02928), from
  ``arviz_stats``. Its statistic is the mean Cauchy score ``T``, and
  ``p = 1/2 - arctan(T) / pi``; a large ``T`` (small ``p``) means the ranks are not uniform.
- The **figure's** curve is the ECDF of the fractional ranks minus the uniform CDF, with a
  simultaneous band (Säilynoja, Bürkner & Vehtari 2022, Statistics and Computing 32:32):
  under calibration the whole curve stays inside the band with the stated probability.
  Band from ``arviz_stats.ecdf_utils.ecdf_pit``.
"""

import math
from dataclasses import dataclass

import numpy as np

UNIFORMITY_METHOD = "pot_c"
"""ArviZ's uniformity test (its default; see the module docstring)."""
UNIFORMITY_TEST_NAME = "POT-C (arviz-stats uniformity_test; Tesso & Vehtari 2026)"
BAND_PROB = 0.95
"""Probability that the whole Δ-ECDF of calibrated ranks stays inside the band."""
BAND_SIMULATIONS = 2000
"""Simulations that set the simultaneous band (Säilynoja et al.'s simulation method)."""
FAMILY_ALPHA = 0.05
"""Family-wise error rate of the calibration verdict: a quantity fails when its p-value is
below ``FAMILY_ALPHA / (number of tests in the run)`` (Bonferroni), so that a calibrated
model fails somewhere with probability of at most 5% however many quantities are tested."""


def thinned(draws: np.ndarray, thin: int) -> np.ndarray:
    """Every ``thin``-th draw of each chain of ``draws`` (shape ``(chain, draw)``), flat."""
    if thin < 1:
        raise ValueError(f"thin must be >= 1, got {thin}")
    return np.asarray(draws)[:, ::thin].reshape(-1)


def rank_of(truth: float, draws: np.ndarray) -> int:
    """Number of ``draws`` below ``truth``: the SBC rank, in ``0 .. len(draws)``."""
    return int(np.count_nonzero(np.asarray(draws) < truth))


def fractional_ranks(ranks: np.ndarray, max_rank: int, rng: np.random.Generator) -> np.ndarray:
    """``(rank + U) / (max_rank + 1)`` with ``U ~ Uniform(0, 1)``: Uniform(0, 1) under
    calibration (``max_rank`` = the number of draws ranked, ``L``)."""
    ranks = np.asarray(ranks, dtype=float)
    if ranks.size and (ranks.min() < 0 or ranks.max() > max_rank):
        raise ValueError(f"ranks must lie in 0..{max_rank}")
    return (ranks + rng.random(ranks.shape)) / (max_rank + 1)


@dataclass(frozen=True)
class UniformityTest:
    """POT-C test of Uniform(0, 1) for fractional ranks: the mean Cauchy score
    ``statistic`` (0 when no order statistic is unusual; larger is less uniform) and
    its ``p_value``."""

    statistic: float
    p_value: float


def uniformity_test(pit: np.ndarray) -> UniformityTest:
    """ArviZ's POT-C test that ``pit`` (values in (0, 1)) are a Uniform(0, 1) sample."""
    from arviz_stats.base import array_stats

    p_value = float(array_stats.uniformity_test(np.asarray(pit, dtype=float), axis=-1,
                                                method=UNIFORMITY_METHOD)[0])
    return UniformityTest(statistic=math.tan((0.5 - p_value) * math.pi), p_value=p_value)


def bonferroni_level(tests: int, alpha: float = FAMILY_ALPHA) -> float:
    """The per-test level that keeps the family-wise error rate at ``alpha``."""
    return alpha / max(1, tests)


@dataclass(frozen=True)
class EcdfDifference:
    """The Δ-ECDF of fractional ranks and its simultaneous band, ready to draw.

    ``x``: evaluation points in [0, 1]; ``difference``: ECDF(x) - x; ``lower``, ``upper``:
    the band around 0 (same points); ``band_prob``: its simultaneous coverage."""

    x: np.ndarray
    difference: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    band_prob: float

    @property
    def outside(self) -> bool:
        """Whether the curve leaves the band anywhere."""
        return bool(np.any((self.difference < self.lower - 1e-12)
                           | (self.difference > self.upper + 1e-12)))


def ecdf_difference(pit: np.ndarray, band_prob: float = BAND_PROB,
                    simulations: int = BAND_SIMULATIONS) -> EcdfDifference:
    """ECDF minus uniform CDF of ``pit`` with Säilynoja et al.'s simultaneous band
    (``arviz_stats.ecdf_utils.ecdf_pit``, its fixed seed: the band depends only on the
    number of values)."""
    from arviz_stats.ecdf_utils import ecdf_pit

    x, ecdf, lower, upper = ecdf_pit(np.asarray(pit, dtype=float), band_prob, simulations)
    return EcdfDifference(x=x, difference=ecdf - x, lower=lower - x, upper=upper - x,
                          band_prob=band_prob)
