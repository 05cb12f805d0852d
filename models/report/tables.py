"""The report's tables: each builder takes the results and returns display strings.

Every function reads one :class:`~models.report.results.ReportResults` and returns a
pandas DataFrame whose cells are already formatted (:mod:`models.report.format`), one row
per prior x outcome unless its docstring says otherwise; the report prints it with
:func:`models.report.format.markdown_table`, which escapes every header and cell, so the
cells here are plain text (user labels unescaped) and a number that is undefined or
infinite is already a word ("undefined", "unbounded"). Nothing here computes a statistic: the
numbers come from the results object. Probabilities are printed on the 0-1 scale with
3 decimals; ARD in percentage points; ratios with 2 decimals; coefficients as signed
log odds ratios.
"""

import pandas as pd

import models.report.format as fmt
from models.core.direction import Direction
from models.core.distributions import BetaPrior, NormalPrior
from models.data.trial import ArmCounts
from models.exact.normal_normal import benefit_ratio
from models.mcmc.crp_effects import CRP_READ_OUT_MG_L
from models.mcmc.power_scaling import PSENSE_THRESHOLD
from models.priors.prior_set import NamedPrior
from models.priors.statements import placebo_rate_interval
from models.report.results import HEADLINE_ARD, WORTHWHILE_RELATIVE, ReportResults

NO_CALIBRATION_NOTE = "*No calibration block in this priors file: nothing to vary.*"
"""Shown instead of the placebo-rate table when the priors file has no calibration."""

PPC_STATISTIC_COLUMNS = frozenset({"n", "observed", "replicated_median", "replicated_lower95",
                                   "replicated_upper95", "ppp"})
"""Columns of a posterior predictive check table that are not group labels."""


def _sign(direction: Direction) -> str:
    return ">" if direction == "higher" else "<"


def _ard_header(results: ReportResults, d: float) -> str:
    """The header of P(benefit of more than d points) over the count outcomes' rows:
    "P(ARD > 10)" when more events is better for all, "P(ARD < -10)" when fewer is for
    all, else "P(benefit > 10)"."""
    directions = {outcome.direction for outcome in results.trial.outcomes.values()}
    if directions == {"higher"}:
        return f"P(ARD > {100 * d:g})"
    if directions == {"lower"}:
        return f"P(ARD < -{100 * d:g})"
    return f"P(benefit > {100 * d:g})"


def summary(results: ReportResults) -> pd.DataFrame:
    """Headline of the primary analysis per prior (rows) and outcome (columns), exact: for
    counts (aggregate logistic model) P(better) and P(benefit of at least 10 points); for
    a published ratio (normal-normal model) P(better) and P(a relative benefit of at
    least 20%)."""
    rows = []
    trial = results.trial
    for name in results.prior_set.names:
        row = {"Prior": results.labels[name]}
        for outcome_name in trial.outcome_names:
            short = outcome_name.capitalize()
            direction = trial.direction(outcome_name)
            if outcome_name in trial.outcomes:
                fit = results.logistic[(name, outcome_name)]
                sign = "+" if direction == "higher" else "-"
                row[f"{short}: P(better)"] = fmt.prob(fit.p_benefit.estimate)
                row[f"{short}: P({sign}{100 * HEADLINE_ARD:g} points or more)"] = fmt.prob(
                    fit.p_benefit_greater[HEADLINE_ARD].estimate)
            else:
                normal = results.normal[(name, outcome_name)]
                bound = benefit_ratio(WORTHWHILE_RELATIVE, direction)
                abbreviation = trial.estimates[outcome_name].estimate.abbreviation
                row[f"{short}: P(better)"] = fmt.prob(normal.p_benefit)
                row[f"{short}: P({abbreviation} {_sign(direction)} {bound:.2f})"] = fmt.prob(
                    normal.p_relative[WORTHWHILE_RELATIVE])
        rows.append(row)
    return pd.DataFrame(rows)


def published(results: ReportResults) -> pd.DataFrame:
    """The outcomes given only as a published ratio, per prior: the published ratio with
    its 95% CI, the normal prior on its log, P(better), P(relative benefit of at least 10%
    and 20%) and the posterior median and 95% interval of the ratio (normal-normal model,
    closed form)."""
    rows = []
    for name in results.prior_set.names:
        for outcome in results.trial.estimates.values():
            fit = results.normal[(name, outcome.name)]
            estimate = outcome.estimate
            abbreviation = estimate.abbreviation
            row = {"Prior": results.labels[name], "Outcome": outcome.label,
                   f"Published {abbreviation} (95% CI)":
                       f"{fmt.ratio(estimate.value)} ({fmt.ratio(estimate.lower)} to "
                       f"{fmt.ratio(estimate.upper)})",
                   f"Log {abbreviation} prior": f"N({fit.prior.mean:.2f}, {fit.prior.sd:.2f})",
                   "P(better)": fmt.prob(fit.p_benefit)}
            for r, p in fit.p_relative.items():
                bound = benefit_ratio(r, outcome.direction)
                row[f"P({abbreviation} {_sign(outcome.direction)} {bound:.2f})"] = fmt.prob(p)
            row[f"{abbreviation}, posterior (95%)"] = fmt.ratio_interval(fit.effect)
            rows.append(row)
    return pd.DataFrame(rows)


def arm_counts(arm: ArmCounts) -> str:
    """Events / analysed with the percentage to one decimal, e.g. "7/13 (53.8%)"."""
    return f"{arm} ({fmt.percent(arm.rate, 1)})"


def counts(results: ReportResults) -> pd.DataFrame:
    """The published day-28 counts per outcome with percentages, and the classical reference
    values: observed ARD (points), sample odds ratio with its Wald 95% CI, Fisher's exact
    two-sided p-value."""
    trial = results.trial
    rows = []
    for o in trial.outcomes.values():
        f = results.frequentist[o.name]
        rows.append({
            "Outcome": o.label,
            fmt.upper_first(trial.treatment_name): arm_counts(o.treatment),
            fmt.upper_first(trial.control_name): arm_counts(o.control),
            "Observed ARD, points": fmt.points(f.risk_difference),
            "Odds ratio (95% CI)": f"{fmt.ratio(f.odds_ratio)} ({fmt.ratio(f.odds_ratio_lower)}"
                                   f" to {fmt.ratio(f.odds_ratio_upper)})",
            "Fisher p (two-sided)": fmt.number(f.fisher_p_two_sided, ".2f"),
        })
    return pd.DataFrame(rows)


def _normal(prior: NormalPrior) -> str:
    return f"N({prior.mean:.2f}, {prior.sd:.2f})"


def _log_ratio_prior(prior: NamedPrior) -> str:
    """The prior on the log ratio: N(mean, SD), or a robust prior's mixture with its
    weights, e.g. "80% N(0.00, 0.56) + 20% N(0.00, 2.50)"."""
    if prior.robust is None:
        return _normal(prior.logistic.treatment)
    return (f"{fmt.percent(1.0 - prior.robust.weight)} {_normal(prior.logistic.treatment)} + "
            f"{fmt.percent(prior.robust.weight)} {_normal(prior.robust.vague_log_odds_ratio)}")


def _beta(prior: BetaPrior) -> str:
    return f"({prior.alpha:.2f}, {prior.beta:.2f})"


def _beta_arm(prior: NamedPrior, arm: int) -> str:
    """One arm's Beta prior as (alpha, beta); a mixture from the file as its weighted
    components, e.g. "58% (5.95, 17.35) + 42% (32.79, 99.70)"; a robust prior's mixture
    with its weights, e.g. "80% (5.83, 17.48) + 20% (1.00, 1.00)"."""
    mixture = prior.informative_beta_mixtures[arm]
    if len(mixture.components) == 1:
        text = _beta(mixture.components[0])
    else:
        text = " + ".join(f"{fmt.percent(w)} {_beta(c)}"
                          for w, c in zip(mixture.weights, mixture.components, strict=True))
    if prior.robust is not None:
        keep = fmt.percent(1.0 - prior.robust.weight)
        text = (f"{keep} {text}" if len(mixture.components) == 1 else f"{keep} x [{text}]")
        text += f" + {fmt.percent(prior.robust.weight)} {_beta(prior.robust.vague_beta)}"
    return text


def priors(results: ReportResults) -> pd.DataFrame:
    """Each prior as the primary (logistic) model holds it: the belief in words, the normal
    prior (or robust mixture) on the log OR, the placebo rate its intercept prior implies
    (median and 95% interval, percent), what it implies before the data (P(OR > 1);
    P(OR > design) with a calibration block) and, for counts, its worth in participants
    (ELIR effective sample size of the log-OR prior, both arms, at the assumed control
    rate: :func:`models.priors.ess.ess_elir_normal`)."""
    rows = []
    sign = _sign(results.priors_direction)
    trial = results.trial
    ratio = "OR" if trial.outcomes else "/".join(sorted(
        {o.estimate.abbreviation for o in trial.estimates.values()}))
    for prior in results.prior_set.priors.values():
        s = results.implied[prior.name]
        lg = prior.logistic
        row = {"Prior": prior.label, "Belief": prior.description,
               f"Log {ratio} prior": _log_ratio_prior(prior)}
        if trial.outcomes:
            row[f"{fmt.upper_first(trial.control_name)} rate prior"] = fmt.rate_interval(
                placebo_rate_interval(lg.intercept))
        row[f"P({ratio} {sign} 1)"] = fmt.prob(s["logistic_p_benefit"])
        if "design_ard" in s and results.prior_set.calibration is not None:
            design = results.prior_set.calibration.design_odds_ratio
            row[f"P({ratio} {sign} {design:g})"] = fmt.prob(s["logistic_p_beyond_design"])
        if trial.outcomes:
            row["Worth (ELIR)"] = fmt.number(s["logistic_ess"], ".0f")
        rows.append(row)
    return pd.DataFrame(rows)


def prior_parameters(results: ReportResults) -> pd.DataFrame:
    """Appendix: the parameters the primary table does not show. Beta per arm (a robust
    prior's mixture written out) with its worth in participants (ELIR) and what the Beta
    priors imply before the data (P(ARD > 0); P(ARD > design) with a calibration block);
    the intercept, hs-CRP slope and interaction priors of the logistic models (log-odds
    scale)."""
    rows = []
    sign = _sign(results.priors_direction)
    trial = results.trial
    for prior in results.prior_set.priors.values():
        s = results.implied[prior.name]
        lg = prior.logistic
        row = {
            "Prior": prior.label,
            f"{fmt.upper_first(trial.treatment_name)} Beta": _beta_arm(prior, 0),
            f"{fmt.upper_first(trial.control_name)} Beta": _beta_arm(prior, 1),
            "Beta worth per arm (ELIR)": f"{fmt.number(s['bb_ess_treatment'], '.0f')} / "
                                         f"{fmt.number(s['bb_ess_control'], '.0f')}",
            f"Beta: P(ARD {sign} 0)": fmt.prob(s["bb_p_benefit"]),
        }
        if "design_ard" in s:
            row[f"Beta: P(ARD {sign} design)"] = fmt.prob(s["bb_p_beyond_design"])
        row["Intercept"] = _normal(lg.intercept)
        if results.has_ipd:
            row.update({
                "hs-CRP slope": f"N({lg.biomarker.mean:.2f}, {lg.biomarker.sd:.2f})",
                "Interaction": f"N({lg.interaction.mean:.2f}, {lg.interaction.sd:.2f})",
            })
        rows.append(row)
    return pd.DataFrame(rows)


def primary(results: ReportResults) -> pd.DataFrame:
    """The primary analysis beyond the summary table: P(ARD > d) for the thresholds other
    than the summary's, and the posterior median and 95% interval of the ARD (points) and the
    odds ratio; aggregate logistic model, exact."""
    rows = []
    for name in results.prior_set.names:
        for outcome in results.trial.outcomes.values():
            fit = results.logistic[(name, outcome.name)]
            row = {"Prior": results.labels[name], "Outcome": outcome.label}
            for d in results.thresholds:
                if d != HEADLINE_ARD:
                    row[_ard_header(results, d)] = fmt.prob(fit.p_benefit_greater[d].estimate)
            row["ARD, points (95%)"] = fmt.ard_interval(fit.risk_difference)
            row["Odds ratio (95%)"] = fmt.ratio_interval(fit.odds_ratio)
            rows.append(row)
    return pd.DataFrame(rows)


def beta_binomial(results: ReportResults) -> pd.DataFrame:
    """The beta-binomial model, exact: P(better), P(ARD > 10 points), and the median and
    95% interval of the ARD (points) and the odds ratio."""
    rows = []
    for name in results.prior_set.names:
        for outcome in results.trial.outcomes.values():
            fit = results.exact[(name, outcome.name)].summary
            rows.append({
                "Prior": results.labels[name], "Outcome": outcome.label,
                "P(better)": fmt.prob(fit.p_benefit.estimate),
                _ard_header(results, HEADLINE_ARD): fmt.prob(
                    fit.p_benefit_greater[HEADLINE_ARD].estimate),
                "ARD, points (95%)": fmt.ard_interval(fit.risk_difference),
                "Odds ratio (95%)": fmt.ratio_interval(fit.odds_ratio),
            })
    return pd.DataFrame(rows)


def interaction(results: ReportResults) -> pd.DataFrame:
    """The interaction model on SIMULATED data: P(interaction > 0) (the interaction's
    median and interval are in :func:`truth`), and P(better | hs-CRP) at the fixed values of
    :data:`CRP_READ_OUT_MG_L` (columns headed by the value; outcomes by their short name),
    each with its Monte Carlo SE and only the digits that SE leaves stable
    (:func:`~models.report.format.prob_stable`; no range read off a noisy curve)."""
    rows = []
    for name in results.prior_set.names:
        for outcome in results.trial.outcomes.values():
            fit = results.interaction[(name, outcome.name)]
            row = {"Prior": results.labels[name], "Outcome": outcome.name.capitalize(),
                   "P(interaction > 0)": fmt.prob_stable(fit.p_interaction_positive)}
            at = fit.p_benefit_at(CRP_READ_OUT_MG_L)
            for value in CRP_READ_OUT_MG_L:
                row[f"{value:g} mg/L"] = fmt.prob_stable(at[value])
            rows.append(row)
    return pd.DataFrame(rows)


def truth(results: ReportResults) -> pd.DataFrame:
    """SIMULATED data: one row per outcome x coefficient, the true value beside each prior's
    posterior median and 95% interval (a star marks an interval that misses the truth)."""
    rows = []
    first = results.first_prior
    for outcome in results.trial.outcomes.values():
        tables = {name: results.truth_tables[(name, outcome.name)].set_index("term")
                  for name in results.prior_set.names}
        for term in tables[first].index:
            row = {"Outcome": outcome.label, "Coefficient": term,
                   "Truth": fmt.number(tables[first].loc[term, "truth"], "+.2f")}
            for name, table in tables.items():
                r = table.loc[term]
                row[results.labels[name]] = (
                    f"{fmt.number(r['median'], '+.2f')} ({fmt.number(r['lower'], '+.2f')} "
                    f"to {fmt.number(r['upper'], '+.2f')})" + ("" if r["covered"] else " *"))
            rows.append(row)
    return pd.DataFrame(rows)


def missing_participant(results: ReportResults) -> pd.DataFrame:
    """One row per prior x scenario for the participant without an outcome; per outcome the
    counts and P(benefit) from the logistic (primary) and beta-binomial models, both exact."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for s in results.missing:
        row = rows.setdefault((s.prior, s.scenario), {
            "Prior": results.labels[s.prior], "Missing participant": s.scenario})
        short = s.outcome.capitalize()
        row[f"{short}: counts"] = f"{s.treatment} vs {s.control}"
        row[f"{short}: logistic"] = fmt.prob(s.logistic)
        row[f"{short}: beta-binomial"] = fmt.prob(s.beta_binomial)
    return pd.DataFrame(list(rows.values()))


def sensitivity_named(results: ReportResults) -> pd.DataFrame:
    """At each named prior's log-OR prior: P(benefit) on the heat map (the first prior's
    intercept prior) beside the full named prior's (its own intercept prior), both exact."""
    rows = []
    for _, row in results.sensitivity.named.iterrows():
        key = (row["prior"], row["outcome"])
        full = (results.logistic[key].p_benefit.estimate if key in results.logistic
                else results.normal[key].p_benefit)
        rows.append({
            "Prior": row["label"], "Outcome": results.trial.label(row["outcome"]),
            "Log-ratio prior": f"N({row['mean']:.2f}, {row['sd']:.2f})",
            "Heat map (fixed intercept prior)": fmt.prob(float(row["p_benefit"])),
            "Full named prior": fmt.prob(full),
        })
    return pd.DataFrame(rows)


def placebo_rate(results: ReportResults) -> pd.DataFrame | None:
    """One row per assumed placebo rate; per calibrated prior and outcome the cell
    "logistic P(better) / beta-binomial P(better)". None without a calibration block."""
    table = results.placebo_rate
    if table is None:
        return None
    view = table.assign(
        cell=[f"{fmt.prob(a)} / {fmt.prob(b)}"
              for a, b in zip(table["logistic_p_benefit"], table["p_benefit"], strict=True)],
        column=[f"{label}, {results.trial.outcome(o).label.lower()}"
                for label, o in zip(table["label"], table["outcome"], strict=True)],
    ).pivot(index="placebo_rate", columns="column", values="cell").reset_index()
    view["placebo_rate"] = view["placebo_rate"].map(fmt.percent)
    return view.rename(columns={"placebo_rate":
                                f"Assumed {results.trial.control_name} rate"})


def placebo_rate_markdown(results: ReportResults) -> str:
    """:func:`placebo_rate` as a Markdown table, or a note when there is nothing to vary."""
    table = placebo_rate(results)
    return NO_CALIBRATION_NOTE if table is None else fmt.markdown_table(table)


NO_PRIOR_CONCERN = "no prior concern"
"""Said for ArviZ's check mark: the prior sensitivity is below the threshold."""

DATA_DRIVEN = "no prior concern; the data drive it"
"""Said for a check mark when the likelihood sensitivity is at or above the threshold
(expected and welcome: the data inform the coefficient)."""


def psense_diagnosis(prior: float, likelihood: float, diagnosis: str) -> str:
    """ArviZ's power-scaling diagnosis in words. Its check mark concerns the *prior* only,
    so a likelihood sensitivity at or above ``PSENSE_THRESHOLD`` beside it is named as what
    it is, the data at work, not "not sensitive"."""
    if diagnosis.strip() not in ("", "✓"):
        return diagnosis
    return DATA_DRIVEN if likelihood >= PSENSE_THRESHOLD else NO_PRIOR_CONCERN


def psense(results: ReportResults) -> pd.DataFrame:
    """Prior and likelihood power-scaling sensitivity of each coefficient, per prior and
    model (remission), with ArviZ's diagnosis in words (:func:`psense_diagnosis`)."""
    rows = []
    for (name, model), table in results.psense.items():
        for term, row in table.iterrows():
            prior, likelihood = float(row["prior"]), float(row["likelihood"])
            rows.append({"Prior": results.labels[name], "Model": model, "Coefficient": term,
                         "Prior sensitivity": fmt.number(prior, ".3f"),
                         "Likelihood sensitivity": fmt.number(likelihood, ".3f"),
                         "Diagnosis": psense_diagnosis(prior, likelihood,
                                                       str(row["diagnosis"]))})
    return pd.DataFrame(rows)


NO_MCSE_UNITS = "none: MCSE is 0 (compared with the binomial SE of {draws} draws)"
"""Said instead of a difference in MCSE units when every draw agrees (MCSE 0)."""


def exact_vs_mcmc(results: ReportResults) -> pd.DataFrame:
    """P(benefit) of the beta-binomial and the aggregate logistic model, exact against MCMC,
    with the MCSE, the difference in MCSE units and whether they agree; an MCSE of 0 (every
    draw on the same side) is said in words, with the rule that decided agreement instead
    (:class:`SamplerCheck`)."""
    rows = []
    for check in results.checks:
        difference = check.difference_in_mcse
        rows.append({
            "Model": check.model,
            "Prior": results.labels[check.prior],
            "Outcome": results.trial.outcome(check.outcome).label,
            "Exact": fmt.number(check.exact, ".4f"),
            "MCMC": fmt.number(check.mcmc.estimate, ".4f"),
            "MCSE": fmt.mcse(check.mcse, 4),
            "Difference in MCSE units": (fmt.number(difference, ".2f") if difference is not None
                                         else NO_MCSE_UNITS.format(draws=check.draws)),
            "Agree": "yes" if check.agrees else "NO",
        })
    return pd.DataFrame(rows)


def ppc(results: ReportResults) -> pd.DataFrame:
    """Posterior predictive checks (first prior, remission): observed events against the
    replicated median and 95% interval, with the posterior predictive p-value, per group."""
    rows = []
    for model, table in results.ppc.items():
        groups = [c for c in table.columns if c not in PPC_STATISTIC_COLUMNS]
        for _, row in table.iterrows():
            rows.append({
                "Model": model,
                "Group": ", ".join(str(row[g]) for g in groups),
                "n": str(int(row["n"])),
                "Observed": str(int(row["observed"])),
                "Replicated (95%)": f"{fmt.number(row['replicated_median'], '.0f')} "
                                    f"({fmt.number(row['replicated_lower95'], '.0f')} to "
                                    f"{fmt.number(row['replicated_upper95'], '.0f')})",
                "ppp": fmt.number(float(row["ppp"]), ".2f"),
            })
    return pd.DataFrame(rows)
