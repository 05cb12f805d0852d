"""Render failures: one exception type, and the short message a failed run boils down to.

A failed render carries the last exception the report raised (from papermill's error or from
Quarto's log), so the command line can print one line; an ``InputError`` raised inside the
report (a bad priors file, a bad parameter) stays a user mistake (exit status 2).
"""

import re

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
EXCEPTION_LINE = re.compile(r"(?:^|\s)([A-Za-z_][\w.]*(?:Error|Exception)): (.+)$")


class RenderError(Exception):
    """Rendering failed; ``str(error)`` is a short message fit for one line on stderr.

    ``is_input_error`` is true when the report stopped on a ``models.core.errors.InputError``
    (a bad priors file, a bad parameter) or on a bad ``RENDERER`` value: the command line
    prints just the message and exits with status 2. ``details`` keeps the full traceback
    or tool output for debugging.
    """

    def __init__(self, message: str, *, is_input_error: bool = False, details: str = "") -> None:
        super().__init__(message)
        self.is_input_error = is_input_error
        self.details = details


def kernel_error(ename: str, evalue: str, details: str) -> RenderError:
    """Turn an exception raised inside the report (its type name and value) into a
    short RenderError; an ``InputError`` keeps just its message."""
    if ename.rsplit(".", 1)[-1] == "InputError":
        return RenderError(evalue, is_input_error=True, details=details)
    return RenderError(f"the report raised {ename}: {evalue}", details=details)


def error_from_log(log: str, *, tool: str) -> RenderError:
    """A RenderError carrying the last exception line of a failed run's output (colour
    codes removed), or the last non-empty line when no exception is named."""
    text = ANSI_ESCAPE.sub("", log)
    for line in reversed(text.splitlines()):
        match = EXCEPTION_LINE.search(line.strip())
        if match:
            return kernel_error(match.group(1), match.group(2), text)
    last = next((line for line in reversed(text.splitlines()) if line.strip()), "no output")
    return RenderError(f"{tool} failed: {last.strip()}", details=text)
