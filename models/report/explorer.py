"""The report's interactive prior explorer: one self-contained HTML fragment.

``explorer_html(trial, priors)`` returns a ``<div class="prior-explorer">`` holding its own
``<style>``, the data as JSON (the trial's counts per outcome, the calibration's design odds
ratio, every named prior's Beta and logistic parameters, label, description and figure
colour) and the JavaScript of ``reports/assets/explorer_logistic.js`` and
``reports/assets/explorer.js``, inlined. No URL of any kind, no library: it works from
``file://``, offline, under Quarto and under the fallback renderer.

In the report, display it from a code cell *without* ``#| output: asis``::

    from IPython.display import HTML, display
    from models.report.explorer import explorer_html

    display(HTML(explorer_html(trial, prior_set)))

The ``text/html`` output then reaches the page verbatim on both renderers (pandoc's ipynb
reader and Quarto both keep it as a raw HTML block). The markup has no blank lines and no
indented lines, so it would also survive being read as Markdown.

The explorer has two panels driven by the same outcome and prior menus:

- the primary model, the aggregate logistic model on the counts (normal priors on the log
  odds ratio, treatment vs control, and on the control arm's log-odds): the prior's
  P(OR beyond the design effect) and P(harm), and the exact posterior P(benefit),
  P(benefit of more than 10 points) and medians with 95% intervals of the OR and the ARD,
  by deterministic integration in the page (``reports/assets/explorer_logistic.js``);
  ``tests/test_explorer.py`` checks them against
  :class:`models.exact.logistic_posterior.LogisticPosterior`;
- the beta-binomial teaching model: the exact conjugate posterior (P(benefit),
  P(ARD > 0.10), the posterior median and 95% interval of the ARD, and the prior and
  posterior ARD densities of its chart), checked against
  :class:`models.exact.beta_contrast.BetaContrast`.

A button copies the prior on screen (both panels) as a ready-to-paste entry of a priors
file; the biomarker and interaction terms, which the explorer does not move, are the
selected named prior's.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from models.core.paths import REPORTS_DIR
from models.data.trial import Trial
from models.priors.prior_set import LOGISTIC_TERMS, PriorSet
from models.report.figures import prior_colors
from models.report.format import upper_first

EXPLORER_JS = REPORTS_DIR / "assets" / "explorer.js"
"""The explorer's JavaScript, inlined into every fragment."""
EXPLORER_LOGISTIC_JS = REPORTS_DIR / "assets" / "explorer_logistic.js"
"""The logistic panel's numerics (exact integration), inlined before ``EXPLORER_JS``."""

ARMS = ("treatment", "control")
ELEMENT_ID = re.compile(r"^[A-Za-z][\w-]*$", re.ASCII)

# Scoped to .prior-explorer so it never touches the report. explorer_html prefixes every
# selector with the element's id, so page rules such as report.css's `#qc-document p` or
# Bootstrap's (Quarto's) `legend` cannot win over these. --pe-color is the colour of the
# prior in use, the same as in the figures.
EXPLORER_CSS = """
.prior-explorer{--pe-color:#4d4d4d;--pe-muted:#59636e;--pe-rule:#d0d7de;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:0.92rem;line-height:1.4;color:#1f2328;border:1px solid var(--pe-rule);
border-top:4px solid var(--pe-color);border-radius:6px;padding:0.8rem 1rem 0.6rem;
margin:1rem 0 1.5rem;background:#fff;max-width:58rem;box-sizing:border-box}
.prior-explorer *{box-sizing:border-box}
.prior-explorer .pe-title{font-weight:600;font-size:1.02rem;margin:0 0 0.15rem}
.prior-explorer .pe-lead{color:var(--pe-muted);margin:0 0 0.6rem}
.prior-explorer .pe-top{display:flex;flex-wrap:wrap;gap:0.4rem 1.2rem;align-items:end;
margin-bottom:0.5rem}
.prior-explorer .pe-field{display:flex;flex-direction:column;gap:0.15rem}
.prior-explorer label,.prior-explorer legend{font-weight:600;font-size:0.85rem}
.prior-explorer select{font:inherit;padding:0.2rem 0.3rem;border:1px solid var(--pe-rule);
border-radius:4px;background:#fff;min-width:11rem}
.prior-explorer .pe-data-line,.prior-explorer .pe-description{color:var(--pe-muted);
font-size:0.85rem;margin:0}
.prior-explorer .pe-description{margin-bottom:0.6rem;min-height:1.2em}
.prior-explorer .pe-body{display:flex;flex-wrap:wrap;gap:0.8rem 1.2rem}
.prior-explorer .pe-controls{flex:1 1 15rem;max-width:19rem;display:flex;flex-direction:column;
gap:0.5rem}
.prior-explorer .pe-results{flex:3 1 24rem;min-width:0}
.prior-explorer fieldset{border:1px solid var(--pe-rule);border-radius:4px;margin:0;
padding:0.3rem 0.6rem 0.5rem}
.prior-explorer legend{float:none;width:auto;margin:0;padding:0 0.25rem;line-height:inherit}
.prior-explorer .pe-slider{display:grid;grid-template-columns:1fr auto;gap:0 0.5rem;
align-items:center;margin-top:0.25rem}
.prior-explorer .pe-slider label{font-weight:400;font-size:0.82rem}
.prior-explorer .pe-slider output{font-variant-numeric:tabular-nums;font-size:0.82rem;
text-align:right}
.prior-explorer input[type=range]{grid-column:1/3;width:100%;margin:0.1rem 0;
accent-color:var(--pe-color)}
.prior-explorer input:focus-visible,.prior-explorer select:focus-visible{
outline:2px solid #0b5cad;outline-offset:2px}
.prior-explorer .pe-beta{font-size:0.8rem;color:var(--pe-muted);margin:0.3rem 0 0;
font-variant-numeric:tabular-nums}
.prior-explorer .pe-readouts{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));
gap:0.4rem;margin:0}
.prior-explorer .pe-readouts div{background:#f6f8fa;border-radius:4px;padding:0.3rem 0.5rem}
.prior-explorer .pe-readouts dt{font-size:0.78rem;color:var(--pe-muted);font-weight:400}
.prior-explorer .pe-readouts dd{margin:0;font-size:1.25rem;font-weight:600;
font-variant-numeric:tabular-nums}
.prior-explorer .pe-readouts dd span.pe-small{font-size:0.85rem;font-weight:400}
.prior-explorer svg{display:block;width:100%;height:auto;margin-top:0.4rem}
.prior-explorer svg .pe-axis{stroke:#444;stroke-width:1}
.prior-explorer svg .pe-zero{stroke:#000;stroke-width:1}
.prior-explorer svg .pe-ten{stroke:#888;stroke-width:1;stroke-dasharray:2 3}
.prior-explorer svg text{font-family:inherit;fill:#333}
.prior-explorer svg .pe-tick{font-size:11px;text-anchor:middle}
.prior-explorer svg .pe-axis-title{font-size:11.5px;text-anchor:middle}
.prior-explorer svg .pe-note{font-size:10.5px;fill:#666}
.prior-explorer .pe-legend{display:flex;flex-wrap:wrap;gap:0.2rem 1rem;font-size:0.8rem;
color:var(--pe-muted);margin:0.15rem 0 0}
.prior-explorer .pe-key{display:inline-block;width:1.6rem;height:0;vertical-align:middle;
margin-right:0.3rem;border-top:2.5px solid var(--pe-color)}
.prior-explorer .pe-key.pe-dashed{border-top:2px dashed var(--pe-color)}
.prior-explorer .pe-key.pe-area{height:0.7rem;border:0;background:var(--pe-color);opacity:0.2}
.prior-explorer .pe-warning{color:#8a4b00;font-size:0.82rem;margin:0.3rem 0 0}
.prior-explorer .pe-noscript{color:#8a4b00}
.prior-explorer .pe-panel{border-top:1px solid var(--pe-rule);padding-top:0.5rem;
margin-top:0.6rem}
.prior-explorer .pe-subtitle{font-size:0.95rem;font-weight:600;margin:0 0 0.4rem;
padding:0;border:0;line-height:1.3}
.prior-explorer .pe-copy{border-top:1px solid var(--pe-rule);margin-top:0.7rem;
padding-top:0.5rem;display:flex;flex-wrap:wrap;gap:0.4rem 0.8rem;align-items:center}
.prior-explorer button{font:inherit;font-size:0.85rem;padding:0.25rem 0.7rem;
border:1px solid var(--pe-rule);border-radius:4px;background:#f6f8fa;cursor:pointer}
.prior-explorer button:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}
.prior-explorer .pe-copy-status{font-size:0.82rem;color:var(--pe-muted)}
.prior-explorer .pe-copy-box{flex:1 1 100%;display:flex;flex-direction:column;gap:0.2rem}
.prior-explorer .pe-copy-box[hidden]{display:none}
.prior-explorer .pe-copy-box label{font-weight:400;font-size:0.82rem}
.prior-explorer textarea{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
font-size:0.8rem;width:100%;border:1px solid var(--pe-rule);border-radius:4px;
padding:0.3rem;resize:vertical}
@media (max-width:40rem){.prior-explorer .pe-controls{max-width:none}}
"""


def explorer_data(trial: Trial, priors: PriorSet) -> dict[str, Any]:
    """The JSON the explorer embeds: arm names, the calibration's design odds ratio (or
    None), outcomes with counts, and the named priors with one Beta per arm and their
    logistic normal priors (log-odds scale: ``intercept`` the control arm's log-odds,
    ``treatment`` the log odds ratio, and ``biomarker``, ``interaction``, which the
    explorer only copies). Priors given as mixtures (robust ones) are not presets: the
    sliders hold one Beta per arm and one normal per term."""
    colors = prior_colors(priors)
    calibration = priors.calibration
    return {
        "arms": {"treatment": trial.treatment_name, "control": trial.control_name},
        "calibration": (None if calibration is None
                        else {"design_odds_ratio": calibration.design_odds_ratio}),
        "outcomes": [
            {
                "name": outcome.name,
                "label": outcome.label,
                "direction": outcome.direction,
                **{
                    arm: {"events": getattr(outcome, arm).events, "n": getattr(outcome, arm).n}
                    for arm in ARMS
                },
            }
            for outcome in trial.outcomes.values()
        ],
        "priors": [
            {
                "name": prior.name,
                "label": prior.label,
                "description": prior.description,
                "color": colors[prior.name],
                **{
                    arm: {
                        "alpha": getattr(prior.beta_binomial, arm).alpha,
                        "beta": getattr(prior.beta_binomial, arm).beta,
                    }
                    for arm in ARMS
                },
                "logistic": {
                    term: {"mean": getattr(prior.logistic, term).mean,
                           "sd": getattr(prior.logistic, term).sd}
                    for term in LOGISTIC_TERMS
                },
            }
            for prior in priors.priors.values()
            if not prior.has_mixtures  # the explorer moves single Betas, not mixtures
        ],
    }


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element or start a tag."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_source() -> str:
    """The explorer's JavaScript (the logistic numerics, then the explorer), checked to be
    safe inside an inline <script>."""
    sources = []
    for path in (EXPLORER_LOGISTIC_JS, EXPLORER_JS):
        source = path.read_text(encoding="utf-8")
        if re.search(r"</script|<!--", source, re.IGNORECASE):
            raise ValueError(f"{path} must not contain '</script' or '<!--'")
        sources.append(source)
    return "\n".join(sources)


def _arm_controls(prefix: str, arm: str, name: str) -> list[str]:
    """The fieldset with one arm's centre and strength sliders and its Beta parameters."""
    arm_id = f"{prefix}-{arm}"
    title = escape(upper_first(name))
    return [
        f'<fieldset class="pe-arm" data-arm="{arm}">',
        f"<legend>{title} prior</legend>",
        '<div class="pe-slider">',
        f'<label for="{arm_id}-centre">Expected rate (prior mean)</label>',
        f'<output for="{arm_id}-centre" data-testid="{arm}-centre-value"></output>',
        f'<input type="range" id="{arm_id}-centre" data-testid="{arm}-centre" min="0.01"'
        ' max="0.99" step="0.01" value="0.5">',
        "</div>",
        '<div class="pe-slider">',
        f'<label for="{arm_id}-strength">Strength, in participants (\u03b1 + \u03b2)</label>',
        f'<output for="{arm_id}-strength" data-testid="{arm}-strength-value"></output>',
        f'<input type="range" id="{arm_id}-strength" data-testid="{arm}-strength" min="0"'
        ' max="600" step="1" value="300">',
        "</div>",
        f'<p class="pe-beta">Prior <span data-testid="prior-{arm}"></span><br>'
        f'Posterior <span data-testid="posterior-{arm}"></span></p>',
        "</fieldset>",
    ]


MIXTURES_LEFT_OUT = (" (priors given as mixtures, such as the robust ones, are not in the"
                     " list: the sliders hold one Beta per arm and one normal per term)")
"""Said in the explorer's lead when some named priors are mixtures (not presets)."""

LOGISTIC_SLIDERS = {
    "treatment": {"mean": (-3.0, 3.0), "sd": (0.05, 5.0)},
    "intercept": {"mean": (-6.0, 6.0), "sd": (0.05, 5.0)},
}
"""Slider ranges of the logistic panel (log-odds scale; steps of 0.01): the mean and SD of
the normal prior on the log odds ratio and on the control arm's log-odds. A named prior
outside them is used exactly; its slider shows the nearest end."""


def _logistic_slider(prefix: str, term: str, which: str, text: str) -> list[str]:
    """One slider (mean or SD of one logistic term's normal prior) with its output."""
    low, high = LOGISTIC_SLIDERS[term][which]
    slider_id = f"{prefix}-lg-{term}-{which}"
    return [
        '<div class="pe-slider">',
        f'<label for="{slider_id}">{text}</label>',
        f'<output for="{slider_id}" data-testid="lg-{term}-{which}-value"></output>',
        f'<input type="range" id="{slider_id}" data-testid="lg-{term}-{which}" min="{low}"'
        f' max="{high}" step="0.01" value="{(low + high) / 2 if which == "mean" else 1}">',
        "</div>",
    ]


def _logistic_controls(prefix: str, treatment: str, control: str) -> list[str]:
    """The logistic panel's two fieldsets: the log-OR prior and the control log-odds prior."""
    return [
        '<div class="pe-controls">',
        '<fieldset data-term="treatment">',
        f"<legend>Effect prior: log odds ratio, {escape(treatment)} vs {escape(control)}"
        "</legend>",
        *_logistic_slider(prefix, "treatment", "mean", "Mean (log OR; 0 = no effect)"),
        *_logistic_slider(prefix, "treatment", "sd", "SD (log OR)"),
        '<p class="pe-beta">Prior <span data-testid="lg-prior-treatment"></span></p>',
        "</fieldset>",
        '<fieldset data-term="intercept">',
        f"<legend>{escape(upper_first(control))} log-odds prior</legend>",
        *_logistic_slider(prefix, "intercept", "mean", "Mean (log-odds)"),
        *_logistic_slider(prefix, "intercept", "sd", "SD (log-odds)"),
        f'<p class="pe-beta">{escape(upper_first(control))} rate: median'
        ' <span data-testid="lg-control-rate"></span></p>',
        "</fieldset>",
        "</div>",
    ]


def _logistic_results(treatment: str, control: str) -> list[str]:
    """The logistic panel's readouts (labels that depend on the outcome's direction are
    rewritten by the script)."""
    return [
        '<div class="pe-results">',
        '<dl class="pe-readouts" aria-live="polite" aria-atomic="true"'
        ' data-testid="lg-readouts">',
        '<div data-testid="lg-prior-design-box"><dt data-testid="lg-prior-design-label">'
        "Prior P(OR beyond the design effect)</dt>"
        '<dd data-testid="lg-prior-design"></dd></div>',
        '<div><dt data-testid="lg-prior-harm-label">Prior P(OR &lt; 1)</dt>'
        '<dd data-testid="lg-prior-harm"></dd></div>',
        f"<div><dt>Posterior P({escape(treatment)} beats {escape(control)})</dt>"
        '<dd data-testid="lg-p-benefit"></dd></div>',
        '<div><dt data-testid="lg-p-ard-10-label">Posterior P(risk difference &gt; 10 points)'
        "</dt>"
        '<dd data-testid="lg-p-ard-10"></dd></div>',
        "<div><dt>Odds ratio, median (95% interval)</dt>"
        '<dd><span data-testid="lg-or-median"></span> <span class="pe-small">('
        '<span data-testid="lg-or-lower"></span> to <span data-testid="lg-or-upper"></span>)'
        "</span></dd></div>",
        "<div><dt>Risk difference, median (95% interval)</dt>"
        '<dd><span data-testid="lg-ard-median"></span> <span class="pe-small">('
        '<span data-testid="lg-ard-lower"></span> to <span data-testid="lg-ard-upper"></span>)'
        "</span></dd></div>",
        "</dl>",
        '<p class="pe-data-line">Exact, by integration (no sampling); risk difference in'
        " percentage points.</p>",
        "</div>",
    ]


def _copy_block(prefix: str) -> list[str]:
    """The copy-as-YAML button, its status line and the fallback text box."""
    return [
        '<div class="pe-copy">',
        '<button type="button" data-testid="copy-yaml">Copy this prior as YAML</button>',
        '<span class="pe-copy-status" role="status" aria-live="polite"'
        ' data-testid="copy-status"></span>',
        '<div class="pe-copy-box" data-testid="copy-fallback" hidden>',
        f'<label for="{prefix}-yaml">Copy this entry under <code>priors:</code> in your'
        " priors file; then name and describe it</label>",
        f'<textarea id="{prefix}-yaml" readonly rows="13" spellcheck="false"'
        ' data-testid="copy-yaml-text"></textarea>',
        "</div>",
        "</div>",
    ]


def explorer_html(trial: Trial, priors: PriorSet, *, element_id: str = "prior-explorer") -> str:
    """The explorer as one HTML fragment (a <div> with inline <style> and <script>).

    ``element_id`` prefixes every id inside, so two explorers can share a page. The markup
    has stable ``data-testid`` attributes: the controls ``outcome-select``, ``prior-select``,
    ``{treatment,control}-{centre,strength}``; the readouts ``p-benefit``, ``p-ard-10``,
    ``ard-median``, ``ard-lower``, ``ard-upper`` (text as printed in the report, and the
    unrounded number in ``data-value``), ``prior-{arm}``, ``posterior-{arm}``; the chart
    ``ard-chart``. The logistic panel (``logistic-panel``): the sliders
    ``lg-{treatment,intercept}-{mean,sd}``; the readouts ``lg-prior-design``,
    ``lg-prior-harm``, ``lg-p-benefit``, ``lg-p-ard-10``, ``lg-or-{median,lower,upper}``,
    ``lg-ard-{median,lower,upper}``. Copying: the button ``copy-yaml``, ``copy-status``,
    and the fallback box ``copy-fallback`` with its ``copy-yaml-text``.
    """
    if not ELEMENT_ID.match(element_id):
        raise ValueError(f"element_id must be letters, digits, '-' or '_', got {element_id!r}")
    data = explorer_data(trial, priors)
    treatment, control = trial.treatment_name, trial.control_name
    first = next(iter(trial.outcomes.values()), None)
    ten_label = ("P(risk difference &lt; &#8722;10 points)"
                 if first is not None and first.direction == "lower"
                 else "P(risk difference &gt; 10 points)")  # the script updates it per outcome
    outcome_options = [
        f'<option value="{escape(o["name"])}">{escape(o["label"])}</option>'
        for o in data["outcomes"]
    ]
    prior_options = [
        f'<option value="{escape(p["name"])}">{escape(p["label"])}</option>'
        for p in data["priors"]
    ]
    prefix = element_id
    css = EXPLORER_CSS.replace(".prior-explorer", f"#{prefix}.prior-explorer")
    lines = [
        f'<div class="prior-explorer" id="{prefix}" data-testid="prior-explorer">',
        f"<style>{css}</style>",
        f'<script type="application/json" class="pe-data">{_script_json(data)}</script>',
        '<div class="pe-title">Explore the prior</div>',
        '<p class="pe-lead">Pick a named prior or move the sliders: the posterior for'
        f" {escape(treatment)} vs {escape(control)} is recomputed exactly as you move them"
        f"{MIXTURES_LEFT_OUT if any(p.has_mixtures for p in priors.priors.values()) else ''}"
        ".</p>",
        '<noscript><p class="pe-noscript">The prior explorer needs JavaScript; the tables'
        " above give the same numbers for the named priors.</p></noscript>",
        '<div class="pe-top">',
        '<div class="pe-field">',
        f'<label for="{prefix}-outcome">Outcome</label>',
        f'<select id="{prefix}-outcome" data-testid="outcome-select">',
        *outcome_options,
        "</select>",
        "</div>",
        '<div class="pe-field">',
        f'<label for="{prefix}-prior">Prior</label>',
        f'<select id="{prefix}-prior" data-testid="prior-select">',
        *prior_options,
        '<option value="custom">Custom (your sliders)</option>',
        "</select>",
        "</div>",
        '<p class="pe-data-line">Data: <span data-testid="data-counts"></span></p>',
        "</div>",
        '<p class="pe-description" data-testid="prior-description"></p>',
        f'<section class="pe-panel" data-testid="logistic-panel" aria-labelledby="{prefix}-lg">',
        f'<div class="pe-subtitle" id="{prefix}-lg" role="heading" aria-level="4">Primary model:'
        " logistic on the counts</div>",
        '<div class="pe-body">',
        *_logistic_controls(prefix, treatment, control),
        *_logistic_results(treatment, control),
        "</div>",
        "</section>",
        f'<section class="pe-panel" data-testid="beta-panel" aria-labelledby="{prefix}-bb">',
        f'<div class="pe-subtitle" id="{prefix}-bb" role="heading" aria-level="4">Teaching model:'
        " beta-binomial</div>",
        '<div class="pe-body">',
        '<div class="pe-controls">',
        *_arm_controls(prefix, "treatment", treatment),
        *_arm_controls(prefix, "control", control),
        "</div>",
        '<div class="pe-results">',
        '<dl class="pe-readouts" aria-live="polite" aria-atomic="true"'
        ' data-testid="readouts">',
        f"<div><dt>P({escape(treatment)} beats {escape(control)})</dt>"
        '<dd data-testid="p-benefit"></dd></div>',
        f'<div><dt data-testid="p-ard-10-label">{ten_label}</dt>'
        '<dd data-testid="p-ard-10"></dd></div>',
        "<div><dt>Risk difference, median (95% interval)</dt>"
        '<dd><span data-testid="ard-median"></span> <span class="pe-small">('
        '<span data-testid="ard-lower"></span> to <span data-testid="ard-upper"></span>)'
        "</span></dd></div>",
        "</dl>",
        f'<svg data-testid="ard-chart" role="img" aria-describedby="{prefix}-chart-caption"'
        ' viewBox="0 0 560 250" preserveAspectRatio="xMidYMid meet"></svg>',
        f'<p class="pe-legend" id="{prefix}-chart-caption">'
        '<span><span class="pe-key"></span>posterior</span>'
        '<span><span class="pe-key pe-dashed"></span>prior</span>'
        '<span><span class="pe-key pe-area"></span>posterior P(benefit)</span>'
        "<span>bar: posterior median and 95% interval</span></p>",
        '<p class="pe-warning" data-testid="accuracy-note" hidden>A posterior Beta parameter'
        " is below 2: the numbers shown are approximate.</p>",
        "</div>",
        "</div>",
        "</section>",
        *_copy_block(prefix),
        f"<script>{_script_source()}</script>",
        "</div>",
    ]
    return "\n".join(lines)
