"""The report.

- ``results``: ``ReportResults``, everything the report shows, computed once;
- ``tables``: one function per table (results in, DataFrame of display strings out);
- ``text``, ``text_simulated``, ``text_sensitivity``: one function per computed sentence;
- ``curves``: the curves each figure shows; ``figures``: drawing them (nothing computed);
- ``format``: number formatting and Markdown tables;
- ``explorer``: the interactive prior explorer (HTML and embedded JavaScript);
- ``provenance``: the "reproduce this report" box;
- ``build``: ``make_report`` (validate inputs, then render); ``render/``: Quarto or the fallback;
- ``up_to_date``: whether the report was rendered from exactly today's inputs;
- ``slides``: the teaching deck's slides from the same results; ``prior_beliefs``: the
  priors as densities of the odds ratio (its figure); ``slides_build``: ``make_slides``;
- ``sbc_view``: the appendix's simulation-based calibration (figure and sentences, read
  from ``reports/_output/sbc.json``).

May import: every lower layer (``core``, ``data``, ``exact``, ``priors``, ``mcmc``,
``sensitivity``, ``simulation``).
"""
