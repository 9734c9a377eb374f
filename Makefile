# The two commands of the README: `make serve` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test test-fast lint build permalinks offline handouts slide-tools bench clean
.DEFAULT_GOAL := test

# axe-core and Lighthouse for the browser tests and benchmarks, the Nu Html Checker (vnu.jar) and pa11y, pinned in
# tests/browser/package-lock.json; pa11y's Puppeteer drives Debian's Chromium, so it downloads no browser
NODE_TOOLS := tests/browser/node_modules/.package-lock.json
$(NODE_TOOLS): tests/browser/package.json tests/browser/package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund --silent

# Marp CLI for the lesson slides, pinned in scripts/slides/package-lock.json (it drives Debian's Chromium;
# no browser is downloaded)
SLIDE_TOOLS := scripts/slides/node_modules/.package-lock.json
$(SLIDE_TOOLS): scripts/slides/package.json scripts/slides/package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix scripts/slides --no-audit --no-fund --silent
slide-tools: $(SLIDE_TOOLS)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[net,test]'
	touch $(STAMP)

## serve: run the site at http://127.0.0.1:8000 (another port: make serve PORT=8001), rebuilding when
##        content/, docs/ or mkdocs.yml change; while the content has errors, every page shows them
# On `kill <make's pid>` make passes SIGTERM to its own children only, so mkdocs must be that child, not a
# shell's: `exec` replaces the recipe's shell with it (a `VAR=… mkdocs` prefix ran a shell that died alone
# and left mkdocs serving). Ctrl-C reaches every process in the terminal anyway. Tested in tests/test_serve.py.
PORT ?= 8000
serve: export CASEBOOK_SITE_URL = http://127.0.0.1:$(PORT)/
serve: $(STAMP)
	exec $(BIN)/mkdocs serve --dev-addr 127.0.0.1:$(PORT) --livereload

## handouts: each lesson's student handout, instructor guide, answer key and cards (PDF) and slides (HTML and
##           PDF) in build/handouts/, remaking only the lessons whose records changed; the site publishes them
handouts: $(STAMP) $(SLIDE_TOOLS)
	$(BIN)/casebook handouts build/handouts

## test: lint, the content check and every test: strict MkDocs builds, link checks, browser tests in Chromium
test: $(STAMP) $(NODE_TOOLS) lint handouts
	$(BIN)/casebook validate
	$(BIN)/casebook stale
	$(BIN)/python -m pytest

## test-fast: the tests that build no site and open no browser (no lint), in about a minute: for the edit-test loop
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not build and not browser"

## lint: ruff, the type checker, and the layers contract (adapters -> site -> outputs -> render -> core)
lint: $(STAMP)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/mypy
	$(BIN)/lint-imports

## build: a strict build into site/, swapped in only when the whole build succeeded
build: $(STAMP) handouts
	rm -rf .site-staging
	$(BIN)/mkdocs build --strict --site-dir .site-staging
	rm -rf site && mv .site-staging site

## permalinks: record a new record's addresses in tests/published-urls.txt, from a strict build of the pages
##             alone (no lesson PDFs, which have no recorded addresses): it needs only Python, not npm or Chromium
permalinks: $(STAMP)
	rm -rf build/permalinks-site
	$(BIN)/mkdocs build --strict --quiet --site-dir build/permalinks-site
	$(BIN)/casebook permalinks --site build/permalinks-site --write

## offline: the offline classroom edition, build/casebook-offline.zip (works from file://, search included)
offline: $(STAMP) handouts build/vendor/iframe-worker/shim/index.js
	rm -rf .offline-staging
	CASEBOOK_OFFLINE=true $(BIN)/mkdocs build --strict --site-dir .offline-staging
	$(BIN)/python -m casebook.outputs.offline .offline-staging build/casebook-offline.zip
	rm -rf .offline-staging

# Material's offline build loads this small MIT-licensed shim from a CDN; fetch it from npm instead.
build/vendor/iframe-worker/shim/index.js:
	mkdir -p build/vendor
	cd build/vendor && npm pack --silent iframe-worker@1.0.4 >/dev/null && tar xzf iframe-worker-1.0.4.tgz \
		&& rm -rf iframe-worker && mv package iframe-worker && rm iframe-worker-1.0.4.tgz

## bench: time the pipeline on synthetic content, the plugin against a plain build, and a serve rebuild;
## weigh the heaviest pages at ten times content proportioned like the real content
bench: $(STAMP) $(NODE_TOOLS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[bench]'
	PYTHONPATH=scripts $(BIN)/python -m bench.pipeline
	PYTHONPATH=scripts $(BIN)/python -m bench.serve
	PYTHONPATH=scripts $(BIN)/python -m bench.browser
	PYTHONPATH=scripts:. $(BIN)/python -m bench.pages --like-real

clean:
	rm -rf $(VENV) site .site-staging .offline-staging build bench-results
