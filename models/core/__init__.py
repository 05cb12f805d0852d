"""Shared foundations that every other layer uses.

- ``types``: result types shared by every model (``Interval``, ``Probability``,
  ``EffectSummary``: one summary type for exact and sampled answers);
- ``distributions``: the parameter objects ``BetaPrior``, ``NormalPrior`` and
  ``BetaBinomialPrior`` (used for priors and posteriors alike);
- ``errors``: ``InputError``, the one type for user mistakes (exit status 2, no traceback);
- ``paths``: every project path, defined once; ``yaml_io``: reading YAML input files;
- ``atomic``: the one atomic writer (temporary file, then move);
- ``cache_root``: the one cache root (``REANALYSIS_CACHE_DIR``, default ``.cache/``);
  ``code_fingerprint``: a hash of a module and every project module it imports (cache keys);
  ``result_cache``: computed results (summaries, checks, grids) cached under that root;
- ``provenance``: file hashes, the one list of package versions, the git commit;
- ``progress``: terminal progress lines; ``scoped``: temporary environment and log levels;
- ``parallel``: independent replicates over the machine's cores or on a Dask cluster.

May import: the standard library and third-party packages only (no other ``models`` layer).
"""
