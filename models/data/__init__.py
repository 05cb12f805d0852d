"""Trial inputs.

- ``trial``: published two-arm counts (loading, validation, the one ``EVENTS/N`` parser);
- ``ipd``: individual participant data (loading with row/column errors, complete cases,
  the one standardisation of log hs-CRP).

May import: ``models.core``.
"""
