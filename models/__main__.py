"""``python -m models`` runs the ``reanalysis`` command line."""

import sys

from models.cli.main import main

sys.exit(main())
