"""Benchmark 2: :func:`models.report.build.make_report` in-process through the fallback
renderer, cold against warm result cache (:mod:`benchmarks.cold_warm`)."""

from pathlib import Path

from benchmarks.cold_warm import cold_warm
from benchmarks.common import LABELS, BenchResult, Row
from models.core.cache_root import DIRECTORY_ENV, DISABLE_ENV
from models.core.scoped import environment
from models.report.render.choice import RENDERER_ENV


def render_in_process(priors_file: Path, output: Path, cache_dir: Path) -> None:
    """``make_report`` through the fallback with the cache root ``cache_dir``."""
    from models.report.build import make_report

    env = {DIRECTORY_ENV: str(cache_dir), DISABLE_ENV: None, RENDERER_ENV: "fallback"}
    with environment(env):
        make_report(priors_file, output)


def bench_render(repeats: int) -> BenchResult:
    """Benchmark 2: ``make_report`` in-process, cold vs warm cache."""
    import models.report.build  # noqa: F401 - imported before timing, as a re-rendering user has
    import models.report.render.pipeline  # noqa: F401

    details = cold_warm(render_in_process, repeats, "render")
    details["renderer"] = f"fallback ({RENDERER_ENV}=fallback)"
    b = LABELS["render"]
    rows = [Row(b, "make_report, cold posterior cache", details["cold_s"], "s"),
            Row(b, "make_report, warm posterior cache", details["warm_s"], "s"),
            Row(b, "ratio cold / warm", details["ratio"], "x")]
    return BenchResult("render", details, rows)
