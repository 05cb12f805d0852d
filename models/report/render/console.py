"""What a render shows on stderr: its steps, and a tool's output live, only when asked.

A render without progress is quiet (tests and ``make report`` redirected to a file); with
progress, the person waiting sees which step runs and the tool's own output as it comes.
"""

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def announce(enabled: bool, message: str) -> None:
    """Tell the user which step is running, only when progress output was asked for."""
    if enabled:
        print(message, file=sys.stderr, flush=True)


def run_logged(
    command: list[str], *, env: Mapping[str, str], cwd: Path, echo: bool
) -> tuple[int, str]:
    """Run ``command``; return its exit status and combined stdout/stderr (echoed live to
    stderr when ``echo``)."""
    lines: list[str] = []
    with subprocess.Popen(
        command, env=dict(env), cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if echo:
                sys.stderr.write(line)
    return process.returncode, "".join(lines)
