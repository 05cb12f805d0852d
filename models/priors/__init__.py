"""Named priors.

- ``prior_set``: value objects (``NamedPrior``, ``LogisticPrior``, ``Calibration``, ``PriorSet``);
- ``priors_file``: the strict priors-file reader (unknown keys refused) and writer;
- ``calibration``: priors derived from clinical statements (Spiegelhalter et al. 1994);
- ``statements``: what each prior implies before the data, and its effective sample size.

May import: ``models.core``, ``models.data``, ``models.exact``.
"""
