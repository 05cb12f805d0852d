"""The one linear predictor of the logistic models against a per-participant loop."""

import math

import numpy as np
import pytest

from models.exact.linear_predictor import linear_predictor


def test_ipd_predictor_equals_participant_by_participant_sum():
    rng = np.random.default_rng(7)
    draws = {term: rng.normal(size=(5, 1)) for term in
             ("intercept", "treatment", "biomarker", "interaction")}
    treated, z = rng.integers(0, 2, size=8).astype(float), rng.normal(size=8)
    values = linear_predictor(draws, treated, z)
    assert np.shape(values) == (5, 8)
    for s in range(5):
        for i in range(8):
            b = {term: float(v[s, 0]) for term, v in draws.items()}
            expected = (b["intercept"] + (b["treatment"] if treated[i] else 0.0)
                        + b["biomarker"] * z[i] + (b["interaction"] * z[i] if treated[i] else 0.0))
            assert values[s, i] == pytest.approx(expected, abs=1e-12)


def test_without_hs_crp_only_intercept_and_treatment_are_used():
    coefficients = {"intercept": math.log(5 / 11), "treatment": math.log(2.5)}
    control, treatment = linear_predictor(coefficients, np.array([0.0, 1.0]))
    assert control == pytest.approx(math.log(5 / 11))
    assert treatment - control == pytest.approx(math.log(2.5))
    with pytest.raises(KeyError, match="biomarker"):
        linear_predictor(coefficients, 1.0, np.array([0.5]))
