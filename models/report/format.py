"""Formatting numbers and tables for the report's prose and tables (no statistics here)."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from models.core.types import Interval, Probability


def prob(p: float, digits: int = 3) -> str:
    """A probability on the 0-1 scale, e.g. 0.883."""
    return f"{p:.{digits}f}"


def percent(p: float, digits: int = 0) -> str:
    """A probability as a percentage, rounded half up as publications do (5/16 = 31.3%)."""
    quantum = Decimal(1).scaleb(-digits)
    value = Decimal(repr(float(100 * p))).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{value}%"


def points(ard: float, digits: int = 1) -> str:
    """A risk difference (proportion units) in percentage points, signed."""
    return f"{100 * ard:+.{digits}f}"


def ard_interval(i: Interval, digits: int = 1) -> str:
    """ARD median and 95% interval in percentage points."""
    return (f"{100 * i.median:+.{digits}f} ({100 * i.lower:+.{digits}f} to "
            f"{100 * i.upper:+.{digits}f})")


def ratio_interval(i: Interval, digits: int = 2) -> str:
    """A ratio's median and 95% interval."""
    return f"{i.median:.{digits}f} ({i.lower:.{digits}f} to {i.upper:.{digits}f})"


def log_or_interval(i: Interval, digits: int = 2) -> str:
    """A log-OR median and 95% interval, signed so it is not mistaken for an OR."""
    return (f"{i.median:+.{digits}f} ({i.lower:+.{digits}f} to "
            f"{i.upper:+.{digits}f})")


def prob_mcse(p: Probability, digits: int = 3) -> str:
    """A sampled probability with its Monte Carlo SE, e.g. ``0.883 ± 0.004`` (the MCSE is
    not a credible interval); an exact probability (no MCSE) alone."""
    if p.mcse is None:
        return prob(p.estimate, digits)
    return f"{prob(p.estimate, digits)} ± {p.mcse:.{digits}f}"


def general(value: float) -> str:
    """A constant in its shortest form (``3.0`` -> ``3``, ``0.05`` -> ``0.05``)."""
    return f"{value:g}"


def exponent(value: float) -> str:
    """A tolerance as a power of ten, e.g. ``1e-10``."""
    return f"{value:.0e}"


NUMERIC_CELL = re.compile(r"^[+\-\u2212]?(\d|\.\d)")


def _alignment(column: pd.Series) -> str:
    """Right-align columns whose every cell starts like a number, else left-align."""
    cells = column.astype(str)
    return "right" if len(cells) and cells.map(lambda c: bool(NUMERIC_CELL.match(c))).all() \
        else "left"


def markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table for pandoc and Quarto alike; numeric columns right-aligned.

    Cells are written as given (``disable_numparse``), so formatting chosen upstream
    (e.g. 3 decimals for probabilities) is kept exactly; a ``|`` inside a cell or header
    (as in "P(benefit | hs-CRP)") is escaped so it cannot split the row.
    """
    alignment = tuple(_alignment(frame[name]) for name in frame.columns)
    escaped = frame.rename(columns=lambda c: str(c).replace("|", "\\|")).map(
        lambda cell: str(cell).replace("|", "\\|"))
    return escaped.to_markdown(index=False, disable_numparse=True, colalign=alignment)
