"""Rendering ``reports/reanalysis.qmd`` to one self-contained HTML file: with Quarto when
it is installed, otherwise with the fallback (jupytext, papermill, pandoc, a Lua filter).
"""
