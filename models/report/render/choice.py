"""Which renderer runs: Quarto when its binary is on PATH, else the fallback.

The environment variable ``RENDERER`` forces the choice (``quarto``, ``fallback``, or
``auto``, the default). The renderer that ran is told to the report through
``REANALYSIS_RENDERER`` (:data:`models.core.provenance.RENDERER_ENV`), for its footer.
"""

import os
import shutil

from models.core.provenance import RENDERER_ENV as RENDERER_NAME_ENV
from models.report.render.errors import RenderError

RENDERER_ENV = "RENDERER"
RENDERER_CHOICES = ("auto", "quarto", "fallback")

__all__ = ["RENDERER_CHOICES", "RENDERER_ENV", "RENDERER_NAME_ENV", "choose_quarto"]


def choose_quarto() -> str | None:
    """Path of the quarto binary to use, or None for the fallback (honours ``RENDERER``).

    Raises :class:`RenderError` (an input error) for an unknown ``RENDERER`` value, or for
    ``RENDERER=quarto`` without a quarto binary on PATH.
    """
    choice = os.environ.get(RENDERER_ENV, "").strip().lower() or "auto"
    if choice not in RENDERER_CHOICES:
        raise RenderError(
            f"{RENDERER_ENV} must be one of {', '.join(RENDERER_CHOICES)}, got {choice!r}",
            is_input_error=True,
        )
    quarto = shutil.which("quarto") if choice != "fallback" else None
    if choice == "quarto" and quarto is None:
        raise RenderError(
            f"{RENDERER_ENV}=quarto but no quarto binary is on PATH; "
            f"unset {RENDERER_ENV} to use the fallback renderer",
            is_input_error=True,
        )
    return quarto
