"""The ``reanalysis`` command line (``python -m models``), one module per verb.

- ``main``: the parser, dispatch and the one-line error handling (exit status 2);
- ``fit``: ``reanalysis fit`` (beta-binomial exact or MCMC, logistic on counts or IPD);
- ``priors``: ``reanalysis priors`` and ``priors calibrate``;
- ``simulate``: ``reanalysis simulate``; ``report``: ``reanalysis report``;
- ``output``: checking a file path a verb will write (``--out``, ``--output``).

May import: every other layer.
"""
