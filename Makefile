# The user's verbs. Every target creates .venv first if it is missing or stale.
# `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PRIORS ?= data/priors.yml
TRIAL ?= data/trial_counts.yml

# Keep compile caches inside the project so re-runs are fast and nothing leaks into $HOME.
export PYTENSOR_FLAGS := base_compiledir=$(CURDIR)/.cache/pytensor
export NUMBA_CACHE_DIR := $(CURDIR)/.cache/numba
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib

# A Python >= 3.12: PYTHON=... wins; then python3.13, python3.12 on PATH; then pyenv's versions.
PYENV_VERSIONS := $(shell (pyenv root 2>/dev/null || echo "$$HOME/.pyenv") | sed 's|$$|/versions|')
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for candidate in python3.13 python3.12 \
	  $$(ls -d $(PYENV_VERSIONS)/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	    if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	    then command -v "$$candidate"; break; fi; done)
endif

$(STAMP): requirements.lock pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no Python >= 3.12 found (looked for python3.13, python3.12 on PATH and in $(PYENV_VERSIONS))."; \
	  echo "Install Python 3.12 or newer, or run: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)"; \
	  exit 1; fi
	@if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "creating $(VENV) with $(PYTHON)"; rm -rf "$(VENV)"; "$(PYTHON)" -m venv "$(VENV)"; fi
	"$(PY)" -m pip install --quiet --disable-pip-version-check -r requirements.lock
	"$(PY)" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	"$(PY)" -m models.report.render --install-kernel
	@touch "$(STAMP)"

.PHONY: help setup report slides test test-slow lint data study sbc bench lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

setup: $(STAMP) ## create .venv and install the pinned environment (automatic for every target)

report: $(STAMP) ## render the HTML report unless up to date (PRIORS=, TRIAL=; FORCE=1 always renders)
	@"$(PY)" -m models report --priors "$(PRIORS)" --trial "$(TRIAL)" $(if $(filter-out 0,$(FORCE)),--force)

slides: $(STAMP) ## render the teaching slides, one offline HTML deck (PRIORS=, TRIAL=)
	@"$(PY)" -m models slides --priors "$(PRIORS)" --trial "$(TRIAL)"

test: $(STAMP) ## the linter, the type checker and the fast test suite (about a minute)
	"$(PY)" -m ruff check models tests benchmarks
	"$(PY)" -m mypy
	"$(PY)" -m pytest -m "not slow" -q

test-slow: $(STAMP) ## the slow suite: renders, the browser, numbers at the report's own settings
	"$(PY)" -m pytest -m slow -q

lint: $(STAMP) ## ruff
	"$(PY)" -m ruff check models tests benchmarks

data: $(STAMP) ## regenerate the SIMULATED individual data in data/ (identical bytes)
	"$(PY)" -m models simulate

study: $(STAMP) ## re-run the repeated-simulation study (200 SIMULATED trials; cached in .cache/)
	"$(PY)" -m models.simulation.study

sbc: $(STAMP) ## simulation-based calibration of the sampled models (about 10 min; cached in .cache/)
	"$(PY)" -m models sbc --priors "$(PRIORS)"

bench: $(STAMP) ## benchmarks: prints ratios and writes reports/_output/benchmarks.json
	"$(PY)" -m benchmarks.run

lock: ## re-resolve requirements.lock from the ranges in pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found"; exit 1; }
	rm -rf .cache/lock-venv && "$(PYTHON)" -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install --quiet --disable-pip-version-check ".[dev]"
	{ echo "# Exact versions installed by the Makefile (pip install -r requirements.lock)."; \
	  echo "# Regenerate with 'make lock' after changing the ranges in pyproject.toml."; \
	  echo "# Resolved for CPython 3.12 on Linux x86_64."; \
	  .cache/lock-venv/bin/pip freeze --exclude-editable | grep -v '^tocilizumab-reanalysis'; \
	} > requirements.lock
	rm -rf .cache/lock-venv

clean: ## remove rendered output and caches (keeps .venv)
	rm -rf reports/_output .cache reports/.quarto .pytest_cache .ruff_cache
