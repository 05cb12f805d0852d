"""Named priors: value objects (``prior_set``), the strict priors-file reader and writer
(``priors_file``), calibration to clinical statements (``calibration``), and what each
prior implies before the data, including its effective sample size (``statements``).

May import: ``models.core``, ``models.data``, ``models.exact``.
"""
