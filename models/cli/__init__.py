"""The ``reanalysis`` command line (``python -m models``): ``main`` (the parser and
dispatch) and one module per verb: ``fit``, ``priors``, ``simulate``, ``report``. Verbs
import the libraries they need when they run, so the command starts quickly.

May import: every other layer.
"""
