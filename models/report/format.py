"""Formatting numbers and tables for the report's prose and tables (no statistics here)."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from models.core.types import Interval


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
