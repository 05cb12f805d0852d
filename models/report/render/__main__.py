"""``python -m models.report.render --install-kernel``: install the project kernelspec."""

import sys

from models.report.render.pipeline import main

sys.exit(main())
