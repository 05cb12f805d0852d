"""A render whose results are all cached samples nothing and imports no PyMC.

Kept apart from ``test_result_cache.py``, whose tests each point the cache root at their
own folder: this one must use the session's root, where ``report_results`` was cached.
"""

import json
import subprocess
import sys

import pytest
from conftest import TEST_SAMPLER_CHAINS, TEST_SAMPLER_DRAWS

from models.core.paths import DEFAULT_PRIORS_FILE
from models.report import tables
from models.report.format import markdown_table

WARM_BUILD = """
import json, sys
from dataclasses import replace
from models.mcmc.sampling import SamplerSettings
from models.report import tables
from models.report.format import markdown_table
from models.report.results import build_results
from models.simulation.study import run_or_load

settings = SamplerSettings(chains={chains}, draws={draws}, tune={draws}, seed=20261127)


def small_study(config):
    return run_or_load(replace(config, replicates=2, settings=settings))


results = build_results({priors!r}, settings=settings, study=small_study)
loaded = sorted(name for name in ("pymc", "nutpie", "pytensor", "numba") if name in sys.modules)
print(json.dumps({{"loaded": loaded, "summary": markdown_table(tables.summary(results)),
                  "interaction": markdown_table(tables.interaction(results))}}))
"""


@pytest.mark.slow
def test_a_warm_rebuild_samples_nothing_imports_no_pymc_and_gives_the_same_tables(
        report_results):
    """Once the report's results are computed (the session's fixture, small sampler), a
    new process building them again with the same inputs reads every result from the
    caches: no PyMC, PyTensor, nutpie or Numba is imported, and the tables are the same."""
    code = WARM_BUILD.format(chains=TEST_SAMPLER_CHAINS, draws=TEST_SAMPLER_DRAWS,
                             priors=str(DEFAULT_PRIORS_FILE))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    rebuilt = json.loads(done.stdout.strip().splitlines()[-1])
    assert rebuilt["loaded"] == []
    assert rebuilt["summary"] == markdown_table(tables.summary(report_results))
    assert rebuilt["interaction"] == markdown_table(tables.interaction(report_results))
