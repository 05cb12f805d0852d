"""The ``reanalysis`` command line (``python -m models``), one module per verb.

May import: every other layer.
"""
