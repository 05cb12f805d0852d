"""Terminal progress messages: shown on a terminal, silent when output is redirected."""

import sys


def interactive() -> bool:
    """True when stderr is a terminal (progress bars and step messages are wanted)."""
    return sys.stderr.isatty()


def say(message: str) -> None:
    """Print one progress line to stderr, only on a terminal."""
    if interactive():
        print(message, file=sys.stderr, flush=True)
