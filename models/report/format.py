"""Formatting numbers, user text and tables for the report's prose and tables (no
statistics here).

Numbers the project formats are written as they are; every string a user supplied (prior
labels and descriptions, trial and arm names, outcome labels, file names) goes through
:func:`markdown_text` (or :func:`code_span`) where it enters Markdown, so that it is shown
as text and can never become markup, math, a cross-reference or a request. Tables are the
one exception to "escape where it enters": :func:`markdown_table` escapes every header and
cell itself, so table builders return plain, unescaped display strings.
"""

import math
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from models.core.types import Interval, Probability

if TYPE_CHECKING:  # pandas is imported by whoever builds a table, not by the command line
    import pandas as pd

UNDEFINED = "undefined"
"""Printed instead of NaN: the statistic has no value for these inputs."""

UNBOUNDED = "unbounded"
"""Printed instead of an infinite value (e.g. an odds ratio with no events in one arm)."""


def number(value: float, spec: str) -> str:
    """``value`` formatted with the format ``spec`` (e.g. ``".2f"``, ``"+.1f"``), or a word
    when it is not a finite number: "undefined" for NaN, "unbounded" for an infinity (with
    its sign when negative), so the report never prints ``nan`` or ``inf``."""
    if math.isnan(value):
        return UNDEFINED
    if math.isinf(value):
        return UNBOUNDED if value > 0 else f"-{UNBOUNDED}"
    return format(value, spec)


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case and the rest as written ("ECMO" stays
    "ECMO", unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


def prob(p: float, digits: int = 3) -> str:
    """A probability on the 0-1 scale, e.g. 0.883."""
    return number(p, f".{digits}f")


def span(values: Sequence[float]) -> str:
    """The range of probabilities, e.g. "0.770 to 0.978", or one value when both ends
    print the same."""
    low, high = prob(min(values)), prob(max(values))
    return low if low == high else f"{low} to {high}"


def percent(p: float, digits: int = 0) -> str:
    """A probability as a percentage, rounded half up as publications do (5/16 = 31.3%)."""
    if not math.isfinite(p):
        return number(p, "")
    quantum = Decimal(1).scaleb(-digits)
    value = Decimal(repr(float(100 * p))).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{value}%"


def points(ard: float, digits: int = 1) -> str:
    """A risk difference (proportion units) in percentage points, signed."""
    return number(100 * ard, f"+.{digits}f")


def interval(i: Interval, spec: str, scale: float = 1.0) -> str:
    """Median and 95% interval, each multiplied by ``scale`` and formatted with ``spec``."""
    return (f"{number(scale * i.median, spec)} ({number(scale * i.lower, spec)} to "
            f"{number(scale * i.upper, spec)})")


def ard_interval(i: Interval, digits: int = 1) -> str:
    """ARD median and 95% interval in percentage points."""
    return interval(i, f"+.{digits}f", 100.0)


def rate_interval(i: Interval) -> str:
    """A rate's median and 95% interval in percent, e.g. "24% (11% to 46%)"."""
    return f"{percent(i.median)} ({percent(i.lower)} to {percent(i.upper)})"


RATIO_FIXED_RANGE = (0.01, 10_000.0)
"""Ratios inside this range print with fixed decimals (0.25, 3.40); outside it, as with
near-certain or nearly flat priors and 0 or all events, in scientific notation (8.1e+31,
2.0e-05), which keeps them short and their size visible."""


def ratio(value: float, digits: int = 2) -> str:
    """A risk or odds ratio: fixed decimals inside ``RATIO_FIXED_RANGE``, scientific
    notation with ``digits`` significant figures outside it; words for NaN and infinity."""
    low, high = RATIO_FIXED_RANGE
    if math.isfinite(value) and value != 0 and not low <= abs(value) < high:
        return number(value, f".{max(digits - 1, 0)}e")
    return number(value, f".{digits}f")


def ratio_interval(i: Interval, digits: int = 2) -> str:
    """A ratio's median and 95% interval (see :func:`ratio`)."""
    return (f"{ratio(i.median, digits)} ({ratio(i.lower, digits)} to "
            f"{ratio(i.upper, digits)})")


def log_or_interval(i: Interval, digits: int = 2) -> str:
    """A log-OR median and 95% interval, signed so it is not mistaken for an OR."""
    return interval(i, f"+.{digits}f")


ALL_DRAWS_AGREE = "all draws agree: no Monte Carlo error"
"""Said instead of an MCSE of 0 (every posterior draw on the same side of the threshold)."""

NO_MCSE = "Monte Carlo SE not available"
"""Said instead of an MCSE that could not be estimated (NaN)."""


def mcse(value: float, digits: int = 3) -> str:
    """A Monte Carlo SE, or in words when it is 0 (all draws agree) or not a number."""
    if value == 0:
        return ALL_DRAWS_AGREE
    if not math.isfinite(value):
        return NO_MCSE
    return f"{value:.{digits}f}"


STABLE_DIGIT_MCSE = 4.0
"""A printed digit is kept only if its unit is at least this many Monte Carlo SEs, so a
re-run with another seed prints the same digits (up to a rounding boundary)."""


def stable_digits(mcse_value: float, most: int = 3) -> int:
    """Decimals of a sampled probability that its Monte Carlo SE leaves stable: the largest
    d <= ``most`` with 10^-d >= ``STABLE_DIGIT_MCSE`` x MCSE (at least 1)."""
    if not math.isfinite(mcse_value) or mcse_value <= 0:
        return most
    return max(1, min(most, math.floor(-math.log10(STABLE_DIGIT_MCSE * mcse_value))))


def prob_stable(p: Probability) -> str:
    """A sampled probability printed only to the digits its Monte Carlo SE leaves stable,
    with that SE, e.g. ``0.83 ± 0.002`` or ``0.6 ± 0.006``; exact ones with 3 decimals.
    An estimate that would round to 0 or 1 without being 0 or 1 is printed as a bound
    (``> 0.99 ± 0.001``), so rounding never reads as certainty."""
    if p.mcse is None or p.mcse == 0 or not math.isfinite(p.mcse):
        return prob_mcse(p)
    digits = stable_digits(p.mcse)
    shown = prob(p.estimate, digits)
    step = 10.0**-digits
    if shown == prob(1.0, digits) and p.estimate < 1.0:
        shown = f"> {prob(1.0 - step, digits)}"
    elif shown == prob(0.0, digits) and p.estimate > 0.0:
        shown = f"< {prob(step, digits)}"
    return f"{shown} ± {p.mcse:.1g}"


def prob_mcse(p: Probability, digits: int = 3) -> str:
    """A sampled probability with its Monte Carlo SE, e.g. ``0.883 ± 0.004`` (the MCSE is
    not a credible interval); an exact probability (no MCSE) alone; an MCSE of 0 or NaN in
    words, e.g. ``1.000 (all draws agree: no Monte Carlo error)``."""
    if p.mcse is None:
        return prob(p.estimate, digits)
    if p.mcse == 0 or not math.isfinite(p.mcse):
        return f"{prob(p.estimate, digits)} ({mcse(p.mcse, digits)})"
    return f"{prob(p.estimate, digits)} ± {p.mcse:.{digits}f}"


def general(value: float) -> str:
    """A constant in its shortest form (``3.0`` -> ``3``, ``0.05`` -> ``0.05``)."""
    return f"{value:g}"


def exponent(value: float) -> str:
    """A tolerance as a power of ten, e.g. ``1e-10``."""
    return f"{value:.0e}"


MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>&|$@{}#~^!:])")
"""Characters that pandoc's Markdown reader (and Quarto's) may read as markup: emphasis,
code, links and images, raw HTML and entities, table cells, math, citations and
cross-references, attributes, headings, sub- and superscripts, and the colon of a bare
URL (which the notebook reader would turn into a link). Quotes and dashes are
left to pandoc's ``smart`` typography (curly quotes, en dashes): typography, not markup."""


def markdown_text(text: str) -> str:
    """A user-supplied string as Markdown that shows exactly that text.

    Every character pandoc's Markdown reader could read as markup is backslash-escaped
    (pandoc's ``all_symbols_escapable``: ``\\x`` is the literal ``x`` for any ASCII
    punctuation), so ``<script>``, ``<img src=x>``, ``$x$``, ``@fig-x``, ``{#id}``,
    ``*bold*`` and ``|`` appear literally and never become an element, math, a
    cross-reference, an attribute, emphasis or a table cell. Runs of whitespace (line
    breaks included) become one space, so the text cannot start a block (a heading, a
    list, a fenced div). Apply it once, where the string enters Markdown.
    """
    return MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(text).split()))


def code_span(text: str) -> str:
    """A user-supplied string (e.g. a file name) as one Markdown code span, fenced with
    more backticks than it contains so it cannot close the span early."""
    flat = " ".join(str(text).split())
    runs = [len(run) for run in re.findall("`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


NUMERIC_CELL = re.compile(r"^[+\-\u2212]?(\d|\.\d)")


def _alignment(column: "pd.Series") -> str:
    """Right-align columns whose every cell starts like a number, else left-align."""
    cells = column.astype(str)
    return "right" if len(cells) and cells.map(lambda c: bool(NUMERIC_CELL.match(c))).all() \
        else "left"


def markdown_table(frame: "pd.DataFrame") -> str:
    """A pipe table for pandoc and Quarto alike; numeric columns right-aligned.

    Cells are written as given (``disable_numparse``), so formatting chosen upstream
    (e.g. 3 decimals for probabilities) is kept exactly. This is the one place where
    table text is escaped: every header and cell goes through :func:`markdown_text`, so
    a user's label in a cell, or a ``|`` in "P(benefit | hs-CRP)", is shown literally;
    table builders therefore return plain, unescaped strings.
    """
    alignment = tuple(_alignment(frame[name]) for name in frame.columns)
    escaped = frame.rename(columns=markdown_text).map(markdown_text)
    return escaped.to_markdown(index=False, disable_numparse=True, colalign=alignment)
