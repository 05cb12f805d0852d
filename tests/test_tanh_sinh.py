"""The fixed tanh-sinh rule against closed-form integrals with end-point singularities."""

import math

import numpy as np
import pytest
from scipy import special

from models.exact.tanh_sinh import on_intervals


def test_end_point_singularities_and_shifted_intervals():
    nodes = on_intervals(np.array([0.0, 0.0, 0.2, 0.3]), np.array([1.0, 1.0, 0.7, 0.3]))
    x, one_minus_x = nodes.x, nodes.one_minus_x
    a, b = 0.3, 0.6  # integrable singularities at both ends of the first interval
    integrand = np.stack([
        x[0] ** (a - 1) * one_minus_x[0] ** (b - 1),   # Beta function B(a, b)
        np.sqrt(x[1] * one_minus_x[1]),                 # pi / 8
        np.sqrt(nodes.from_start[2]),                   # int_0^0.5 sqrt(s) ds on [0.2, 0.7]
        np.ones_like(x[3]),                             # empty interval
    ])
    expected = [math.exp(special.betaln(a, b)), math.pi / 8, (2 / 3) * 0.5**1.5, 0.0]
    np.testing.assert_allclose(nodes.integrate(integrand), expected, rtol=1e-11, atol=1e-15)


def test_distances_to_the_ends_are_exact_next_to_one():
    nodes = on_intervals(np.array([0.5]), np.array([1.0]))
    closest = nodes.one_minus_x[0, -1]
    assert 0.0 < closest < 1e-30  # 1 - x would round to 0 if formed by subtraction
    assert nodes.x[0, -1] == pytest.approx(1.0)
