"""The two logistic model structures in PyMC, with priors and data as shared data.

Aggregate model (the two arms' counts)::

    logit p_arm = intercept + treatment * T_arm          (T = 1 treatment, 0 control)
    events_arm ~ Binomial(n_arm, p_arm)

IPD model with interaction (one row per complete case)::

    logit p_i = intercept + treatment*T_i + biomarker*z_i + interaction*T_i*z_i
    y_i ~ Bernoulli(p_i)

Both linear predictors are :func:`models.exact.linear_predictor.linear_predictor`. ``z``
is the natural log of baseline hs-CRP (mg/L) standardised with the complete cases' own
sample mean and SD (:class:`models.data.ipd.IpdData`). All coefficients are on the
log-odds scale: ``intercept`` = log-odds on control at z = 0, ``treatment`` = log odds
ratio at z = 0 (the complete cases' geometric-mean hs-CRP), ``biomarker`` = log OR per SD
of log hs-CRP on control, ``interaction`` = extra log OR per SD of log hs-CRP on
treatment. Priors are Normal(mean, sd) from a :class:`~models.priors.prior_set.LogisticPrior`;
a robust prior's log odds ratio (``treatment``) is instead a two-component normal mixture
(:class:`~models.core.mixtures.NormalMixture`, informative and vague) with weights, means
and SDs as shared data: the *robust* structures (``build_robust_aggregate_model``,
``build_robust_ipd_model``), compiled once like the others and re-used by every robust prior.

Each structure is compiled once per process with nutpie (:mod:`models.mcmc.sampling`) and
re-used for every prior and data set: priors and data are ``pm.Data`` shared variables.
nutpie's ``with_data`` checks only the *rank* of a new value and passes shapes at run
time, so IPD data sets of any length run on the one compiled model. For that reason the
IPD model has no per-participant ``pm.Deterministic`` (nutpie fixes the shapes of stored
variables at compile time) and no ``dims`` on the participant axis; per-participant
quantities are computed from the draws with numpy (:mod:`models.mcmc.crp_effects`).
"""

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from models.core.mixtures import NormalMixture
from models.data.ipd import IpdData
from models.data.trial import OutcomeCounts
from models.exact.linear_predictor import linear_predictor
from models.priors.prior_set import LOGISTIC_TERMS, LogisticPrior

AGGREGATE_MODEL_KEY = "logistic_aggregate"
IPD_MODEL_KEY = "logistic_ipd"
ROBUST_AGGREGATE_MODEL_KEY = "logistic_aggregate_robust"
ROBUST_IPD_MODEL_KEY = "logistic_ipd_robust"

MIXTURE_COMPONENTS = 2
"""Components of a robust prior's mixture (informative, vague): the robust structures' size.
A one-component mixture is padded with a zero-weight copy of its component."""

MIXTURE_TERM = "treatment"
"""The coefficient that a robust prior turns into a mixture: the log odds ratio."""

AGGREGATE_TERMS = ("intercept", "treatment")
"""Coefficients of the aggregate model (log-odds scale)."""

IPD_TERMS = LOGISTIC_TERMS
"""Coefficients of the IPD model: intercept, treatment, biomarker, interaction."""

ARM_NAMES = ("treatment", "control")
ARM_TREATED = np.array([1.0, 0.0])
"""Treatment indicator of the aggregate model's arms, in :data:`ARM_NAMES` order."""

_PLACEHOLDER_PRIOR = {"mu": 0.0, "sigma": 1.0}


def prior_data(prior: LogisticPrior, terms: Sequence[str]) -> dict[str, np.ndarray]:
    """Shared data ``<term>_mu`` and ``<term>_sigma`` (0-d arrays) for the given terms."""
    out = {}
    for term in terms:
        normal = getattr(prior, term)
        out[f"{term}_mu"] = np.array(normal.mean, dtype=float)
        out[f"{term}_sigma"] = np.array(normal.sd, dtype=float)
    return out


def is_robust(mixture: NormalMixture | None) -> bool:
    """Whether a log-OR prior needs the robust (mixture) structures: more than one component."""
    return mixture is not None and len(mixture.components) > 1


def mixture_data(mixture: NormalMixture) -> dict[str, np.ndarray]:
    """Shared data ``treatment_w``, ``treatment_mu``, ``treatment_sigma`` (length
    :data:`MIXTURE_COMPONENTS`) of a log-OR mixture prior."""
    if len(mixture.components) > MIXTURE_COMPONENTS:
        raise ValueError(f"the robust structures take at most {MIXTURE_COMPONENTS} "
                         f"components, not {len(mixture.components)}")
    padding = MIXTURE_COMPONENTS - len(mixture.components)
    weights = [*mixture.weights, *([0.0] * padding)]
    components = [*mixture.components, *([mixture.components[0]] * padding)]
    return {f"{MIXTURE_TERM}_w": np.array(weights, dtype=float),
            f"{MIXTURE_TERM}_mu": np.array([c.mean for c in components], dtype=float),
            f"{MIXTURE_TERM}_sigma": np.array([c.sd for c in components], dtype=float)}


def _with_mixture(data: dict[str, np.ndarray],
                  mixture: NormalMixture | None) -> dict[str, np.ndarray]:
    """``data`` with the log-OR prior replaced by ``mixture``'s when it is robust."""
    return {**data, **mixture_data(mixture)} if mixture is not None and is_robust(mixture) \
        else data


def aggregate_model_data(prior: LogisticPrior, counts: OutcomeCounts,
                         mixture: NormalMixture | None = None) -> dict[str, np.ndarray]:
    """Shared data of the aggregate model: priors on intercept/treatment (the log-OR
    ``mixture`` when robust) and the counts."""
    return _with_mixture({
        **prior_data(prior, AGGREGATE_TERMS),
        "n": np.array([counts.treatment.n, counts.control.n], dtype="int64"),
        "events": np.array([counts.treatment.events, counts.control.events], dtype="int64"),
    }, mixture)


def ipd_model_data(prior: LogisticPrior, data: IpdData,
                   mixture: NormalMixture | None = None) -> dict[str, np.ndarray]:
    """Shared data of the IPD model: the four priors (the log-OR ``mixture`` when robust)
    and the participant arrays."""
    return _with_mixture({**prior_data(prior, IPD_TERMS), "treated": data.treated,
                          "z": data.z, "outcome": data.y}, mixture)


def has_mixture(data: Mapping[str, np.ndarray]) -> bool:
    """Whether shared data belong to a robust structure (they carry mixture weights)."""
    return f"{MIXTURE_TERM}_w" in data


def _coefficient(term: str, data: Mapping[str, np.ndarray] | None):  # -> TensorVariable
    """``term ~ Normal(term_mu, term_sigma)`` with the prior's parameters as shared data."""
    import pymc as pm

    values = {key: (data or {}).get(f"{term}_{key}", default)
              for key, default in _PLACEHOLDER_PRIOR.items()}
    mu = pm.Data(f"{term}_mu", np.array(values["mu"], dtype=float))
    sigma = pm.Data(f"{term}_sigma", np.array(values["sigma"], dtype=float))
    return pm.Normal(term, mu=mu, sigma=sigma)


def _mixture_coefficient(term: str, data: Mapping[str, np.ndarray] | None):
    """``term ~ sum_k w_k Normal(mu_k, sigma_k)`` with weights, means and SDs as shared data."""
    import pymc as pm

    data = data or {}
    half = np.full(MIXTURE_COMPONENTS, 1.0 / MIXTURE_COMPONENTS)
    w = pm.Data(f"{term}_w", data.get(f"{term}_w", half))
    mu = pm.Data(f"{term}_mu", data.get(f"{term}_mu", np.zeros(MIXTURE_COMPONENTS)))
    sigma = pm.Data(f"{term}_sigma", data.get(f"{term}_sigma", np.ones(MIXTURE_COMPONENTS)))
    return pm.NormalMixture(term, w=w, mu=mu, sigma=sigma)


def _coefficients(terms: Sequence[str], data: Mapping[str, np.ndarray] | None,
                  robust: bool):  # -> dict[str, TensorVariable]
    """Every coefficient's prior; with ``robust`` the log OR's is a mixture."""
    return {term: _mixture_coefficient(term, data) if robust and term == MIXTURE_TERM
            else _coefficient(term, data) for term in terms}


def build_aggregate_model(data: Mapping[str, np.ndarray] | None = None,
                          robust: bool = False):  # -> pm.Model
    """Aggregate logistic model; ``data`` (see :func:`aggregate_model_data`) sets the shared
    values, placeholders otherwise (the compiled model gets real values via ``with_data``);
    ``robust``: the log OR's prior is a mixture."""
    import pymc as pm

    data = data or {}
    with pm.Model(coords={"arm": list(ARM_NAMES)}) as model:
        n = pm.Data("n", data.get("n", np.ones(2, dtype="int64")), dims="arm")
        events = pm.Data("events", data.get("events", np.zeros(2, dtype="int64")), dims="arm")
        b = _coefficients(AGGREGATE_TERMS, data, robust)
        logit_p = linear_predictor(b, ARM_TREATED)
        pm.Deterministic("p", pm.math.invlogit(logit_p), dims="arm")
        pm.Binomial("y", n=n, logit_p=logit_p, observed=events, dims="arm")
    return model


def build_ipd_model(data: Mapping[str, np.ndarray] | None = None,
                    robust: bool = False):  # -> pm.Model
    """IPD logistic model with interaction; ``data`` as :func:`ipd_model_data` returns;
    ``robust``: the log OR's prior is a mixture."""
    import pymc as pm

    data = data or {}
    placeholder = np.zeros(4)
    with pm.Model() as model:
        treated = pm.Data("treated", data.get("treated", placeholder))
        z = pm.Data("z", data.get("z", placeholder))
        outcome = pm.Data("outcome", data.get("outcome", placeholder.astype("int64")))
        b = _coefficients(IPD_TERMS, data, robust)
        pm.Bernoulli("y", logit_p=linear_predictor(b, treated, z), observed=outcome)
    return model


def build_robust_aggregate_model(data: Mapping[str, np.ndarray] | None = None):  # -> pm.Model
    """The aggregate model with a mixture prior on the log OR (robust priors)."""
    return build_aggregate_model(data, robust=True)


def build_robust_ipd_model(data: Mapping[str, np.ndarray] | None = None):  # -> pm.Model
    """The IPD interaction model with a mixture prior on the log OR (robust priors)."""
    return build_ipd_model(data, robust=True)


def aggregate_structure(data: Mapping[str, np.ndarray]) -> tuple[str, Callable[..., object]]:
    """The (model key, builder) of the aggregate structure that ``data`` belong to."""
    if has_mixture(data):
        return ROBUST_AGGREGATE_MODEL_KEY, build_robust_aggregate_model
    return AGGREGATE_MODEL_KEY, build_aggregate_model


def ipd_structure(data: Mapping[str, np.ndarray]) -> tuple[str, Callable[..., object]]:
    """The (model key, builder) of the IPD structure that ``data`` belong to."""
    if has_mixture(data):
        return ROBUST_IPD_MODEL_KEY, build_robust_ipd_model
    return IPD_MODEL_KEY, build_ipd_model
