# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup serve test doctest update-outputs build lint benchmark

setup: $(VENV)/.installed node_modules/.installed /usr/bin/chromium

# Python: every package pinned in requirements.txt (torch 2.13.0 is the CPU build here), then
# this project itself, editable, so `snippets` imports from this checkout wherever Python starts
# (a notebook's kernel starts in docs/notebooks/).
$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

# Browser assets the site serves itself (mermaid, KaTeX) and axe-core, from package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
/usr/bin/chromium:
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y --no-install-recommends chromium

serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/mkdocs serve

test: setup
	$(BIN)/pytest

# Only the page blocks (fast loop while writing a page).
doctest: $(VENV)/.installed
	$(BIN)/pytest tests/test_pages.py

# Rewrite every output block, generated plot and docs/verified-with.json from a real run,
# then every notebook under docs/notebooks/ from the rewritten pages (tests/conftest.py).
update-outputs: $(VENV)/.installed
	$(BIN)/pytest tests/test_pages.py --update-outputs -q

build: $(VENV)/.installed node_modules/.installed
	$(BIN)/mkdocs build --strict

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Lighthouse scores (mobile and desktop) and transferred bytes for every page; not part of `test`.
# Lighthouse itself is pinned in tools/lighthouse/ and installed there by the script (npm ci).
benchmark: setup
	$(BIN)/python tools/benchmark_site.py
