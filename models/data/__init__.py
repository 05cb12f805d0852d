"""Trial inputs: published two-arm counts (``trial``: loading, validation, the one
``EVENTS/N`` parser) and individual participant data (``ipd``: loading, complete cases,
the one standardisation of log hs-CRP).

May import: ``models.core``.
"""
