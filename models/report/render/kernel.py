"""The project's Jupyter kernelspec: both renderers execute the report in it.

A stale user-level ``python3`` kernelspec (common in ``~/.local/share/jupyter``) may point
at another interpreter without the project's packages. So the spec is installed into the
project interpreter's own ``sys.prefix`` under a project name, its argv points at that
interpreter, and its data folder goes first on ``JUPYTER_PATH`` for the render.
"""

import json
import os
import subprocess
from pathlib import Path

from models.report.render.errors import RenderError

KERNEL_NAME = "bayesian-reanalysis"
KERNEL_DISPLAY_NAME = "Python (bayesian-reanalysis)"


def ensure_kernel(python: Path) -> str:
    """Install the project kernelspec for ``python`` if missing or stale; return its name.

    The spec goes into the interpreter's own ``sys.prefix`` (``python -m ipykernel install
    --sys-prefix``) and its argv points at that interpreter, so Quarto and papermill run the
    report with the project's packages even when a stale user-level ``python3`` kernelspec
    exists. The report's front matter names it (``jupyter: bayesian-reanalysis``).
    """
    install_kernel(Path(python).absolute())
    return KERNEL_NAME


def install_kernel(python: Path) -> Path:
    """Make sure the project kernelspec exists for ``python``; return its Jupyter data dir."""
    probe = subprocess.run(
        [str(python), "-c", "import json, sys; print(json.dumps([sys.prefix, sys.executable]))"],
        capture_output=True, text=True, check=False,
    )
    if probe.returncode != 0:
        raise RenderError(f"cannot run the report's interpreter {python}: {probe.stderr.strip()}")
    prefix, executable = json.loads(probe.stdout)
    data_dir = Path(prefix) / "share" / "jupyter"
    if kernelspec_interpreter(data_dir / "kernels" / KERNEL_NAME / "kernel.json") != executable:
        installed = subprocess.run(
            [str(python), "-m", "ipykernel", "install", "--sys-prefix",
             "--name", KERNEL_NAME, "--display-name", KERNEL_DISPLAY_NAME],
            capture_output=True, text=True, check=False,
        )
        if installed.returncode != 0:
            raise RenderError(
                f"could not install the {KERNEL_NAME} kernel: {installed.stderr.strip()}",
                details=installed.stderr,
            )
    return data_dir


def kernelspec_interpreter(spec: Path) -> str | None:
    """The interpreter a kernel.json launches (its argv[0]), or None if there is no spec."""
    try:
        return str(json.loads(spec.read_text(encoding="utf-8"))["argv"][0])
    except (OSError, ValueError, KeyError, IndexError):
        return None


def jupyter_path(data_dir: Path) -> str:
    """JUPYTER_PATH with the project's data dir first, so its kernelspec is always found."""
    existing = os.environ.get("JUPYTER_PATH")
    return os.pathsep.join([str(data_dir), existing] if existing else [str(data_dir)])
