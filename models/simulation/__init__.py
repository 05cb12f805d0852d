"""SIMULATED individual data and what a trial of this size can recover.

- ``process``: the documented data-generating process (hs-CRP, outcomes, interaction);
- ``conditioning``: drawing whole trials until one reproduces the published counts;
- ``files``: writing the data, its true parameters and its dictionary (identical bytes);
- ``study``: the repeated-simulation study; ``study_cache``: its cache under the one root;
- ``sbc``: simulation-based calibration of the sampled models (replicates: draw, simulate,
  fit, rank); ``sbc_ranks``: rank statistics, the uniformity test and the ECDF band;
  ``sbc_summary``: per-case results and the verdict; ``sbc_files``: ``sbc.json``.

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``,
``models.mcmc``.
"""
