"""Terminal progress messages: shown on a terminal, silent when output is redirected.

The report is executed in a Jupyter kernel whose stderr is captured by the renderer
and which has no controlling terminal. So that its long steps (which fit is running)
still reach the person who typed ``make report``, the render pipeline puts the path of
its terminal (e.g. ``/dev/pts/3``) in ``REANALYSIS_PROGRESS_TTY`` and messages from
inside the kernel are written there. Nothing is printed without a terminal (CI, redirects).
"""

import os
import sys

PROGRESS_ENV = "REANALYSIS_PROGRESS_TTY"
"""Terminal device that messages from inside the report's kernel are written to."""


def interactive() -> bool:
    """True when stderr is a terminal (progress bars and step messages are wanted)."""
    return sys.stderr.isatty()


def terminal_path() -> str | None:
    """The device path of this process's terminal (for the report's kernel), if any."""
    try:
        return os.ttyname(sys.stderr.fileno()) if interactive() else None
    except OSError:
        return None


def say(message: str) -> None:
    """Print one progress line to the terminal, or do nothing without one."""
    if interactive():
        print(message, file=sys.stderr, flush=True)
    elif os.environ.get(PROGRESS_ENV):
        try:
            with open(os.environ[PROGRESS_ENV], "w") as terminal:
                terminal.write(f"\r\033[K{message}\n")
        except OSError:
            pass
