"""Words that depend on the trial file: arm names and which way benefit points.

The report names the arms as the trial file does (never "tocilizumab" or "placebo" unless
the file says so) and words every benefit statement by the outcome's direction: a benefit
of d percentage points is d more participants with the outcome per 100 treated when more
events is better (remission), d fewer when fewer is better (death). Arm names are
returned escaped for Markdown (:func:`models.report.format.markdown_text`); the event
notation (``ARD > 10``) is plain text for table headers, which the table printer escapes.
"""

import models.report.format as fmt
from models.core.direction import Direction
from models.data.trial import Trial


def treatment(trial: Trial) -> str:
    """The treatment arm's name, escaped for Markdown."""
    return fmt.markdown_text(trial.treatment_name)


def control(trial: Trial) -> str:
    """The control arm's name, escaped for Markdown."""
    return fmt.markdown_text(trial.control_name)


def rate_owner(name: str, arm: str) -> str:
    """Who a rate belongs to, for phrases such as "the placebo rate": the arm's name when it
    is one word, else "control-arm" / "treatment-arm" ("the control-arm rate" reads better
    than "the conventional management rate"). Escaped for Markdown."""
    return fmt.markdown_text(name) if len(name.split()) == 1 else f"{arm}-arm"


def control_rate_owner(trial: Trial) -> str:
    return rate_owner(trial.control_name, "control")


def treatment_rate_owner(trial: Trial) -> str:
    return rate_owner(trial.treatment_name, "treatment")


def better(trial: Trial) -> str:
    """"P(<treatment> better)" in Markdown."""
    return f"P({treatment(trial)} better)"


def more_or_fewer(direction: Direction) -> str:
    return "more" if direction == "higher" else "fewer"


def benefit_per_100(direction: Direction, d: float) -> str:
    """A benefit of ``d`` (proportion units) in words: "at least 10 more participants with
    the outcome per 100 treated" (or "fewer")."""
    return (f"at least {100 * d:g} {more_or_fewer(direction)} participants with the outcome "
            "per 100 treated")


def ard_event(direction: Direction, d: float) -> str:
    """The event "benefit of more than d" on the ARD in points, plain text: "ARD > 10
    points" or "ARD < -10 points"."""
    if direction == "higher":
        return f"ARD > {100 * d:g} points"
    return f"ARD < -{100 * d:g} points"


def direction_clause(direction: Direction) -> str:
    """"more events is better" or "fewer events is better"."""
    return f"{more_or_fewer(direction)} events is better"
