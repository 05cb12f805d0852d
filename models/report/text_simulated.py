"""The computed sentences of the report's simulated-data sections (hs-CRP interaction,
truth against estimate, the repeated-simulation study).

Every function takes one :class:`~models.report.results.ReportResults` and returns
Markdown (user labels escaped with :func:`models.report.format.markdown_text`). hs-CRP in
mg/L; coefficients as log odds ratios (per SD of log hs-CRP for the
interaction); probabilities on the 0-1 scale.
"""

import math

import models.report.format as fmt
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
        f"in hs-CRP; z = 0 at {math.exp(fit.data.log_crp_mean):.1f} mg/L. Under the "
        f"{fmt.markdown_text(results.labels[first].lower())} prior, for remission, "
        f"P(benefit at the mean hs-CRP) = {fmt.prob_stable(fit.p_treatment_positive)}, and "
        f"the interaction is {fmt.log_or_interval(fit.interaction)} log OR per SD (median, "
        "95% interval; every prior's is in @tbl-truth)."
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
    far = fit.p_benefit_at(FAR_CRP_MG_L)
    low, high = FAR_CRP_MG_L
    return (
        "Why the curves level off: the treatment log OR at z SDs of log hs-CRP is "
        "b_T + b_Tz z, so P(b_T + b_Tz z > 0) tends to P(b_Tz > 0) as z grows and to "
        f"P(b_Tz < 0) as z falls. Under the {fmt.markdown_text(results.labels[first].lower())} "
        f"prior, for remission, P(b_Tz > 0) = {fmt.prob_stable(fit.p_interaction_positive)}; "
        f"far outside the data (at {high:g} and {low:g} mg/L, values no participant has) "
        f"P(benefit) is {fmt.prob_stable(far[high])} and {fmt.prob_stable(far[low])}: "
        "posterior probabilities about the interaction's sign, not the prior. Nor is a "
        "level where a curve is high a treatment threshold: it rests "
        f"on a few of {results.analysed} participants and moves with the prior."
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
    study = results.simulation_study
    config = study.config
    inter = results.study_summary("interaction")
    treat = results.study_summary("treatment")
    prior = fmt.markdown_text(results.labels[results.first_prior].lower())
    return (
        f"{config.replicates} new trials of n = {config.n_treatment + config.n_control} were "
        "simulated from the same process (without forcing the published counts) and each "
        f"analysed with the {prior} prior. The true interaction is positive "
        f"({inter['truth_mean']:+.2f} log OR per SD on average, on each sample's own scale), "
        "yet only "
        f"{fmt.percent(inter['detection'])} of the trials gave P(interaction > 0) > "
        f"{DETECTION_LEVEL:g} (Monte Carlo SE {fmt.percent(inter['detection_mcse'], 1)}). The "
        f"95% intervals covered the truth in {fmt.percent(inter['coverage95'])}; the "
        f"posterior median was off by {inter['bias']:+.2f} on average (RMSE "
        f"{inter['rmse']:.2f}), chance imbalances exaggerating the interaction under a weak "
        "prior. Even the main effect was detected only "
        f"{fmt.percent(treat['detection'])} of the time. {study.problem_fits} of the "
        f"{config.replicates} fits failed a convergence check. A trial of this size can "
        "suggest an interaction; it cannot establish one."
    )
