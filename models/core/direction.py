"""Which way an outcome's benefit points.

``higher``: more events is better (remission, response); ``lower``: fewer events is better
(death, relapse). Effect measures stay treatment versus control whatever the direction
(ARD = p_t - p_c in proportion units, RR = p_t / p_c, OR t vs c); only the event called
"benefit" turns: P(benefit) is P(p_t > p_c) for ``higher`` and P(p_t < p_c) for ``lower``,
and a benefit of more than d (proportion units, 0.10 = 10 points) is ARD > d or ARD < -d.
"""

from typing import Literal

Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")
DEFAULT_DIRECTION: Direction = "higher"


def benefit_sign(direction: Direction) -> int:
    """+1 when more events is better, -1 when fewer is: benefit = sign x ARD."""
    return 1 if direction == "higher" else -1
