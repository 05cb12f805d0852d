"""``python -m models.report.render --install-kernel``: install the project kernelspec
(``make`` runs it once the environment is installed)."""

import argparse
import sys
from pathlib import Path

from models.report.render.kernel import KERNEL_NAME, ensure_kernel


def main(argv: list[str] | None = None) -> int:
    """Install the project kernelspec for this interpreter (print its name), or print help."""
    parser = argparse.ArgumentParser(
        prog="python -m models.report.render",
        description="Render the report (Quarto or the fallback); here: install its kernel.",
    )
    parser.add_argument(
        "--install-kernel", action="store_true",
        help=f"install the {KERNEL_NAME} kernelspec for this interpreter",
    )
    args = parser.parse_args(argv)
    if args.install_kernel:
        print(ensure_kernel(Path(sys.executable)))
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
