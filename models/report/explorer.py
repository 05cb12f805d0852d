"""The report's interactive prior explorer: one self-contained HTML fragment.

``explorer_html(trial, priors)`` returns a ``<div class="prior-explorer">`` holding its own
``<style>``, the data as JSON (the trial's counts per outcome, every named prior's Beta
parameters, label, description and figure colour) and the JavaScript of
``reports/assets/explorer.js``, inlined. No URL of any kind, no library: it works from
``file://``, offline, under Quarto and under the fallback renderer.

In the report, display it from a code cell *without* ``#| output: asis``::

    from IPython.display import HTML, display
    from models.report.explorer import explorer_html

    display(HTML(explorer_html(trial, prior_set)))

The ``text/html`` output then reaches the page verbatim on both renderers (pandoc's ipynb
reader and Quarto both keep it as a raw HTML block). The markup has no blank lines and no
indented lines, so it would also survive being read as Markdown.

The JavaScript recomputes the exact conjugate posterior in the browser (P(benefit),
P(ARD > 0.10), the posterior median and 95% interval of the ARD, and the prior and posterior
ARD densities of its chart) as the reader moves the sliders; ``tests/test_explorer.py``
checks every one of them against the Python reference,
:class:`models.exact.beta_contrast.BetaContrast`.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from models.core.paths import REPORTS_DIR
from models.data.trial import Trial
from models.priors.prior_set import PriorSet
from models.report.figures import prior_colors
from models.report.format import upper_first

EXPLORER_JS = REPORTS_DIR / "assets" / "explorer.js"
"""The explorer's JavaScript, inlined into every fragment."""

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
@media (max-width:40rem){.prior-explorer .pe-controls{max-width:none}}
"""


def explorer_data(trial: Trial, priors: PriorSet) -> dict[str, Any]:
    """The JSON the explorer embeds: arm names, outcomes with counts, and the named priors
    with one Beta per arm (robust priors, Beta mixtures, are not presets of its sliders)."""
    colors = prior_colors(priors)
    return {
        "arms": {"treatment": trial.treatment_name, "control": trial.control_name},
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
    """The explorer's JavaScript, checked to be safe inside an inline <script>."""
    source = EXPLORER_JS.read_text(encoding="utf-8")
    if re.search(r"</script|<!--", source, re.IGNORECASE):
        raise ValueError(f"{EXPLORER_JS} must not contain '</script' or '<!--'")
    return source


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


MIXTURES_LEFT_OUT = (" (the sliders hold one Beta per arm, so priors given as mixtures, such"
                     " as the robust ones, are not in the list)")
"""Said in the explorer's lead when some named priors are mixtures (not presets)."""


def explorer_html(trial: Trial, priors: PriorSet, *, element_id: str = "prior-explorer") -> str:
    """The explorer as one HTML fragment (a <div> with inline <style> and <script>).

    ``element_id`` prefixes every id inside, so two explorers can share a page. The markup
    has stable ``data-testid`` attributes: the controls ``outcome-select``, ``prior-select``,
    ``{treatment,control}-{centre,strength}``; the readouts ``p-benefit``, ``p-ard-10``,
    ``ard-median``, ``ard-lower``, ``ard-upper`` (text as printed in the report, and the
    unrounded number in ``data-value``), ``prior-{arm}``, ``posterior-{arm}``; the chart
    ``ard-chart``.
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
        '<p class="pe-lead">Pick a named prior, or move the sliders to state your own belief'
        f" about each arm's rate; the posterior for the {escape(treatment)} vs"
        f" {escape(control)} difference is recomputed exactly as you move them"
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
        f"<script>{_script_source()}</script>",
        "</div>",
    ]
    return "\n".join(lines)
