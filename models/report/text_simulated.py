"""The computed sentences of the report's simulated-data sections (hs-CRP interaction,
truth against estimate, the repeated-simulation study).

Every function takes one :class:`~models.report.results.ReportResults` and returns
Markdown (user labels escaped with :func:`models.report.format.markdown_text`). hs-CRP in
mg/L; coefficients as log odds ratios (per SD of log hs-CRP for the
interaction); probabilities on the 0-1 scale.
"""

import math

import models.report.format as fmt
from models.mcmc.crp_effects import CRP_READ_OUT_MG_L
from models.priors.statements import normal_tail_above
from models.report.results import ReportResults
from models.simulation.process import DEFAULT_PROCESS
from models.simulation.study import DETECTION_LEVEL


def simulation_description(results: ReportResults) -> str:
    """How the SIMULATED individual data were generated (the process's parameters)."""
    proc, trial = DEFAULT_PROCESS, results.trial
    return (
        "**How the data were simulated.** Baseline hs-CRP follows a log-normal distribution "
        f"in the screened population (median {proc.crp_population_median_mg_l:g} mg/L, SD of "
        f"log hs-CRP {proc.crp_population_log_sd:g}), truncated at the trial's inclusion "
        f"threshold of {proc.crp_threshold_mg_l:g} mg/L, so eligible participants have a "
        f"median of {proc.eligible_median_mg_l:.1f} mg/L with a long right tail. Remission "
        "and response follow logistic models in treatment, standardised log hs-CRP and their "
        f"interaction (true remission interaction {proc.remission.interaction:+g} log OR per "
        "SD of log hs-CRP in the eligible population, a larger benefit at higher hs-CRP as "
        "reported for infliximab by Raison et al., 2013), and are linked through a latent "
        f"correlation of {proc.outcome_latent_correlation:g}. Whole trials of "
        f"{trial.randomised.get('treatment')} + {trial.randomised.get('control')} participants "
        "were drawn until one reproduced all four published counts exactly (rejection "
        "sampling: an exact draw from the process given the counts), and one tocilizumab "
        "participant's outcome was set missing at random. The data dictionary in `data/` "
        "lists every column and the seed."
    )


def interaction_summary(results: ReportResults) -> str:
    """The interaction model under the first prior, remission: the standardisation, the
    benefit at the mean hs-CRP and the interaction (no range read off the noisy
    P(benefit | hs-CRP) curve: :func:`crp_benefit_edges` quotes it at fixed values)."""
    first = results.first_prior
    fit = results.interaction[(first, "remission")]
    return (
        f"One SD of log hs-CRP is a {math.exp(fit.data.log_crp_sd):.1f}-fold difference "
        f"in hs-CRP, and z = 0 at hs-CRP {math.exp(fit.data.log_crp_mean):.1f} mg/L. "
        f"Under the {fmt.markdown_text(results.labels[first].lower())} prior, for remission, "
        f"P(benefit at the mean hs-CRP) = {fmt.prob_mcse(fit.p_treatment_positive)} and "
        f"P(interaction > 0) = {fmt.prob_mcse(fit.p_interaction_positive)} (interaction "
        f"{fmt.log_or_interval(fit.interaction)} log OR per SD)."
    )


FAR_CRP_MG_L = (0.05, 2000.0)
"""Values far outside the simulated range, to show where the curve tends."""


def crp_benefit_edges(results: ReportResults) -> str:
    """Why the P(benefit | hs-CRP) curves level off at the edges, with the numbers that show
    it (first prior, remission): with a linear interaction, P(b_T + b_Tz z > 0) tends to
    P(b_Tz > 0) as z grows and to P(b_Tz < 0) as z falls. A posterior quantity, not the
    prior's probability."""
    first = results.first_prior
    fit = results.interaction[(first, "remission")]
    at = fit.p_benefit_at(CRP_READ_OUT_MG_L)
    far = fit.p_benefit_at(FAR_CRP_MG_L)
    low, high = FAR_CRP_MG_L
    interaction = fit.p_interaction_positive
    read_out = ", ".join(f"{value:g} mg/L: {fmt.prob_mcse(at[value])}"
                         for value in CRP_READ_OUT_MG_L)
    return (
        f"Under the {fmt.markdown_text(results.labels[first].lower())} prior, for remission, "
        f"P(benefit | hs-CRP) is {read_out} (each with its Monte Carlo SE). Far from the "
        f"simulated participants the curve does not return to the prior: with a straight-line "
        f"interaction, the treatment log OR at z SDs of log hs-CRP is b_T + b_Tz z, and "
        f"P(b_T + b_Tz z > 0) tends to P(b_Tz > 0) = {fmt.prob_mcse(interaction)} as z grows "
        f"and to P(b_Tz < 0) as z falls; at {high:g} mg/L it is "
        f"{fmt.prob_mcse(far[high])} and at {low:g} mg/L {fmt.prob_mcse(far[low])}. Both "
        f"are posterior probabilities, set by how sure the data make us of the interaction's "
        f"sign."
    )


def truth_interaction(results: ReportResults) -> str:
    """The true remission interaction on the sample's scale, and how much probability each
    prior gives to an interaction at least that large."""
    true_value = results.truth["remission"]["interaction"]
    tails = "; ".join(
        f"{fmt.markdown_text(results.labels[name].lower())} prior gives "
        f"{fmt.prob(normal_tail_above(prior.logistic.interaction, true_value))} probability "
        "to an interaction at least that large"
        for name, prior in results.prior_set.priors.items())
    return (
        f"The true remission interaction on this sample's scale is {true_value:+.2f} log OR "
        "per SD (it differs slightly from the population value because the sample's hs-CRP "
        "spread differs from the population's). Each prior's own view matters here: the "
        + tails
        + ". A prior that doubts large interactions shrinks the estimate towards zero, "
        "which is what it should do when the data are this thin."
    )


def simulation_study(results: ReportResults) -> str:
    """What the repeated-simulation study found: detection, coverage, bias and RMSE of the
    interaction, detection of the main effect, and the fits that failed a check."""
    study, config = results.study, results.study.config
    inter = results.study_summary("interaction")
    treat = results.study_summary("treatment")
    prior = fmt.markdown_text(results.labels[results.first_prior].lower())
    return (
        f"To see how well n = {config.n_treatment + config.n_control} can recover an "
        f"interaction at all, {config.replicates} new trials of the same size were "
        "simulated from the same generating process (without forcing the published counts; "
        "see Raison et al., 2013 for the kind of interaction assumed) and "
        f"each was analysed with the {prior} prior. The true interaction is "
        f"positive ({inter['truth_mean']:+.2f} log OR per SD on average, on each simulated "
        "sample's own scale), yet only "
        f"{fmt.percent(inter['detection'])} of these trials gave P(interaction > 0) > "
        f"{DETECTION_LEVEL:g} (Monte Carlo SE {fmt.percent(inter['detection_mcse'], 1)}). The "
        f"95% intervals covered the truth in {fmt.percent(inter['coverage95'])}, and the "
        f"posterior median was off by {inter['bias']:+.2f} on average (RMSE "
        f"{inter['rmse']:.2f}): with so few participants per hs-CRP level a weak prior lets "
        "chance imbalances exaggerate the interaction, the small-sample bias of logistic "
        "regression. For the treatment effect itself, detection was only "
        f"{fmt.percent(treat['detection'])}: the trial was too small to be sure of its main "
        f"effect, let alone of who benefits most. {study.problem_fits} of the "
        f"{config.replicates} fits failed a convergence check (R-hat, ESS or divergences). "
        f"These figures hold for this assumed interaction, the {prior} prior and the "
        f"P > {DETECTION_LEVEL:g} rule; a prior that doubts large interactions would detect "
        "less often. A trial of this size can suggest an interaction; it cannot establish one."
    )
