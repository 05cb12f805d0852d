"""``make report``: validate the inputs, then render the report to one HTML file.

A render records the digests of its inputs beside the output, and ``make report`` skips the
render when none has changed since (:func:`report_up_to_date`,
:mod:`models.report.up_to_date`); ``make report FORCE=1`` renders anyway.

Inputs are validated before anything is rendered, so a bad priors file fails fast
with one message; rendering writes to a temporary file that replaces the previous
report only on success (:func:`models.report.render.pipeline.render_report`).

Ctrl-C (SIGINT) and SIGTERM stop a render the same way: as an exception, so the render's
temporary folder and kernel are cleaned up on the way out and the previous report stays
byte-identical; the command then prints one line (no traceback) and exits with status
128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM), as shells do.
"""

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from models.core.errors import InputError
from models.core.paths import OUTPUT_DIR, REPORT_SOURCE, TRIAL_COUNTS_FILE
from models.core.progress import PROGRESS_ENV, interactive, say, terminal_path
from models.priors.priors_file import load_priors

DEFAULT_OUTPUT = OUTPUT_DIR / "reanalysis.html"


class Terminated(KeyboardInterrupt):
    """SIGTERM received: raised like Ctrl-C's ``KeyboardInterrupt`` (a subclass, so the
    libraries that clean up on ``KeyboardInterrupt``, such as the notebook client that
    shuts the kernel down, do so for SIGTERM too)."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _stop_signals_as_exceptions() -> Iterator[None]:
    """While inside, the first SIGINT raises ``KeyboardInterrupt`` and the first SIGTERM
    :class:`Terminated` in the main thread (SIGTERM's default action would end the process
    without any cleanup). Later ones are ignored until the block is left, so the cleanup
    they started (stopping the kernel, which may signal its process group again; removing
    the work folder) is not itself interrupted half-way. Logging stays silenced from the
    signal until the process exits: a kernel that received the same Ctrl-C dies, and the
    notebook client (or asyncio, at exit, for its unfinished task) would log that with a
    traceback the user did not ask for."""

    def ignore(signum: int, frame: FrameType | None) -> None:
        return None

    def stop(signum: int, frame: FrameType | None) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, ignore)
        logging.disable(logging.CRITICAL)
        raise Terminated(signum) if signum == signal.SIGTERM else KeyboardInterrupt()

    if threading.current_thread() is not threading.main_thread():
        yield  # signals are delivered to the main thread only; nothing to install
        return
    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _interrupted(error: KeyboardInterrupt) -> SystemExit:
    """Print the one line of an interrupted render; the exit status is 128 + signal."""
    number = signal.SIGTERM if isinstance(error, Terminated) else signal.SIGINT
    print(f"reanalysis: interrupted by {number.name}; the previous report, if any, is "
          "unchanged", file=sys.stderr)
    return SystemExit(128 + number.value)


def make_report(priors_file: Path, output: Path | str | None = None,
                trial_file: Path = TRIAL_COUNTS_FILE) -> Path:
    """Render ``reports/reanalysis.qmd`` with ``priors_file`` and ``trial_file``; returns
    the HTML path. Both files are validated first (and checked against each other: priors
    calibrated for the other direction than an outcome's are refused)."""
    from models.data.trial import load_trial
    from models.priors.matching import check_priors_fit_trial
    from models.report.metadata import report_metadata
    from models.report.sbc_view import sbc_metadata
    from models.report.up_to_date import record_render, report_inputs

    priors = load_priors(priors_file)
    trial = load_trial(trial_file)
    check_priors_fit_trial(priors, trial)
    output = Path(output) if output else DEFAULT_OUTPUT
    digests = report_inputs(priors.path, Path(trial_file)).digests()  # as read before
    say(f"rendering report of {Path(trial_file).name} with priors {priors.path} "
        f"({', '.join(priors.names)})")
    rendered = render_document(REPORT_SOURCE, output, priors.path, Path(trial_file),
                               {**report_metadata(trial), **sbc_metadata()}, what="report")
    record_render(rendered, digests)
    return rendered


def render_document(source: Path, output: Path, priors_path: Path, trial_file: Path,
                    metadata: Mapping[str, str | bool], *, what: str,
                    deck: bool = False) -> Path:
    """Render one of the project's documents (the report, or with ``deck`` the teaching
    deck) with the report's parameters: the kernel narrates its steps on this terminal,
    SIGTERM and SIGHUP stop it like Ctrl-C (the previous file stays), and a render that
    failed on the user's input is an ``InputError`` named ``what``. Returns the HTML path."""
    from models.report.render.errors import RenderError
    from models.report.render.pipeline import render_report

    terminal = terminal_path()
    if terminal:
        os.environ[PROGRESS_ENV] = terminal  # the kernel narrates its fits there
    try:
        with _stop_signals_as_exceptions():
            try:
                info = render_report(source, output.resolve(),
                                     report_parameters(priors_path, trial_file),
                                     python=Path(sys.executable), progress=interactive(),
                                     metadata=metadata, deck=deck)
            except KeyboardInterrupt as error:  # the cleanup has run; no more signals now
                raise _interrupted(error) from None
    except RenderError as error:
        if error.is_input_error:
            raise InputError(what, str(error)) from None
        raise
    say(f"rendered with {info.renderer}")
    return info.output


def report_up_to_date(priors_file: Path, output: Path | str | None = None,
                      trial_file: Path = TRIAL_COUNTS_FILE) -> tuple[bool, list[str]]:
    """Whether ``output`` was rendered from exactly the inputs ``make_report`` would use
    now (:mod:`models.report.up_to_date`), and the inputs that changed. An input that
    cannot be read counts as changed, so the render runs and reports it."""
    from models.report.up_to_date import changed_inputs, report_inputs

    output = Path(output) if output else DEFAULT_OUTPUT
    try:
        digests = report_inputs(Path(priors_file), Path(trial_file)).digests()
    except Exception:  # noqa: BLE001 - any unreadable input: render, and let it say why
        return False, ["inputs"]
    changed = changed_inputs(output, digests)
    return not changed, changed


def report_parameters(priors_path: Path,
                      trial_path: Path = TRIAL_COUNTS_FILE) -> dict[str, str]:
    """The report's parameters, with the priors and trial files relative to ``reports/``
    (where both renderers execute the report, and where the report resolves them first):
    an executed parameters cell is part of the page, and the page must not carry the
    machine's folders."""
    folder = REPORT_SOURCE.parent
    return {"priors": os.path.relpath(Path(priors_path).resolve(), folder),
            "trial": os.path.relpath(Path(trial_path).resolve(), folder)}
