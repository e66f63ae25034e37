# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup serve test check-pages check-page time-pages update-outputs build lint benchmark browser \
	test-torch

setup: $(VENV)/.installed node_modules/.installed browser

# Python 3.11-3.13: `make setup PYTHON=python3.12` chooses; otherwise python3 when it is one of
# those, else the first of python3.11, python3.12, python3.13 that runs. (A .venv made by another
# Python stays until `rm -rf .venv`.)
SUPPORTED_PYTHON := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(foreach p,python3 python3.11 python3.12 python3.13,\
	$(shell $(p) -c '$(SUPPORTED_PYTHON)' >/dev/null 2>&1 && echo $(p))))
endif

# torch: on Linux without an NVIDIA GPU, the CPU build from torch's own wheel index (PyPI's Linux
# wheel is the CUDA build, several GB); with one, or on macOS, PyPI's. `TORCH_INDEX=` (empty)
# takes PyPI's anyway; `TORCH_INDEX=<url>` another index.
ifeq ($(origin TORCH_INDEX),undefined)
HAS_NVIDIA := $(shell command -v nvidia-smi || ls /proc/driver/nvidia/version 2>/dev/null)
TORCH_INDEX := $(if $(and $(filter Linux,$(shell uname -s)),$(if $(HAS_NVIDIA),,cpu)),\
	https://download.pytorch.org/whl/cpu)
endif
TORCH_PIN := $(shell grep -m1 '^torch==' requirements.txt)

# Python: torch first (from TORCH_INDEX, which only this one install consults; the CPU build's
# own dependencies are pinned in requirements.txt), then every other package pinned there, then
# this project itself, editable, so `snippets` imports from this checkout wherever Python starts
# (a notebook's kernel starts in docs/notebooks/), built by the pinned setuptools already installed
# (no build isolation: pip would fetch the newest). tests/test_environment.py: all of it pinned.
$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c '$(SUPPORTED_PYTHON)' 2>/dev/null || { echo "Python 3.11-3.13 is needed:\
	 none of python3, python3.11, python3.12, python3.13 is one (PYTHON=... names another)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==26.3
	$(BIN)/python -m pip install --quiet $(if $(TORCH_INDEX),--no-deps --extra-index-url $(TORCH_INDEX)) \
		'$(TORCH_PIN)'
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	@$(BIN)/python -c "import sys, torch; print(f'Python {sys.version.split()[0]}, torch',\
	 torch.__version__, '(CUDA build)' if torch.version.cuda else '(CPU build)')"
	touch $@

# Browser assets the site serves itself (mermaid, KaTeX) and axe-core, from package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# A browser for the browser tests (tools/find_browser.py: DOCS_BROWSER, Playwright's Chromium,
# a system Chromium or Chrome). When there is none: on Debian its own chromium package, elsewhere
# Playwright's Chromium (Ubuntu's chromium package is a snap wrapper, which does not run in
# containers; macOS has no apt).
browser: $(VENV)/.installed
	@$(BIN)/python -m tools.find_browser 2>/dev/null || { \
	  if [ "$$(. /etc/os-release 2>/dev/null && echo $$ID)" = debian ]; then \
	    $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; \
	  else \
	    $(BIN)/python -m playwright install chromium; \
	  fi; \
	  $(BIN)/python -m tools.find_browser; }

# The site, rebuilt whole when anything under docs/ or snippets/ or mkdocs.yml changes (not
# --dirty, which skips a page whose .md is unchanged when only a snippet it includes changed); a
# page whose code changed since its outputs were verified says so at its top
# (docsite/hooks/stale_outputs.py). `python -m`: the hooks import docsite from this checkout.
serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m mkdocs serve

# Every core (pytest-xdist); what several tests share (a page run, the built site, a browser
# pass) is computed once per session (tests/conftest.py), and a browser module's tests run in one
# worker (conftest.py: pytest_xdist_make_scheduler), the other tests wherever a worker is free;
# the summary ends with each test module's time.
test: setup
	$(BIN)/pytest -n auto

# Only the page blocks, each compared with the page (fast loop while writing a page). One pytest
# process, which starts every page at once, a page per core (tests/conftest.py: page_runs): no
# workers to start and collect the pages again.
check-pages: $(VENV)/.installed
	$(BIN)/pytest tests/test_pages.py

# One page in seconds (`make check-page PAGE=part03`): its blocks, generated files and the
# results its prose states against a real run (docsite/page_check.py).
check-page: $(VENV)/.installed
	$(BIN)/python -m tools.check_page $(PAGE)

# Each page's run on one thread, start-up and blocks apart, against the time budgets
# (docsite/page_timing.py); exit 1 when one is exceeded. Not part of `test`: run it on an idle machine.
time-pages: $(VENV)/.installed
	$(BIN)/python -m tools.time_pages

# Rewrite every output block, generated plot and docs/verified-with.json from a real run,
# then every notebook under docs/notebooks/ from the rewritten pages (tests/conftest.py).
update-outputs: $(VENV)/.installed
	$(BIN)/pytest tests/test_pages.py --update-outputs -q

# Every page on another torch release (`make test-torch TORCH=2.9.1`; TORCH=latest: the newest the
# index serves), in a side environment cached under ~/.cache/pytorch-in-one-hour/ (never .venv;
# torch from the same index as `setup`): each page as one script and as its notebook, recorded in
# docs/torch-versions.json, which each page's footer reads (docsite/torch_versions.py). Exit 1
# when a page prints anything else. Not part of `test`.
test-torch: $(VENV)/.installed
	@test -n "$(TORCH)" || { echo "name a torch release: make test-torch TORCH=2.9.1"; exit 1; }
	$(if $(filter file,$(origin TORCH_INDEX)),,TORCH_INDEX='$(TORCH_INDEX)') $(BIN)/python -m tools.test_torch $(TORCH)

build: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m mkdocs build --strict

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Lighthouse scores (mobile and desktop) and transferred bytes for every page; not part of `test`.
# Lighthouse itself is pinned in tools/lighthouse/ and installed there by the script (npm ci).
benchmark: setup
	$(BIN)/python -m tools.benchmark_site
