"""Rendering ``reports/reanalysis.qmd`` to one self-contained HTML file: with Quarto when
it is installed, otherwise with the fallback (jupytext, papermill, pandoc, a Lua filter).

One module per concept:

- ``pipeline``: :func:`render_report` (the entry point) and :class:`RenderInfo`;
- ``choice``: which renderer runs (``RENDERER``) and the name the report is told;
- ``kernel``: the project kernelspec both renderers execute the report in;
- ``quarto``: the ``quarto render`` command;
- ``fallback``: jupytext -> papermill -> pandoc; ``qmd`` (reading chunks and ``#|`` cell
  options), ``inline`` (```{python} expr``` values), ``config`` (``_quarto.yml`` and front
  matter), ``pandoc`` (the HTML writer with the Lua filter);
- ``constructs``: what a report may use so that both renderers agree;
- ``errors``: :class:`RenderError`; ``console``: progress on stderr.

May import: ``core`` (paths, scoped environment variables, the renderer-name variable);
nothing else of the package, so the renderer never depends on the statistics.
"""
