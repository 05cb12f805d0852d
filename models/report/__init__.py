"""The report: results assembled once, tables and sentences as tested functions,
figures that only draw, number formatting, the interactive prior explorer, and the
renderer (``render``: Quarto, or the fallback built from jupytext, papermill and pandoc).

May import: every lower layer (``core``, ``data``, ``exact``, ``priors``, ``mcmc``,
``sensitivity``, ``simulation``).
"""
