# The two commands of the README: `make serve` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test lint build bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

## serve: run the site at http://127.0.0.1:8000, rebuilding when content/, docs/ or mkdocs.yml change
serve: $(STAMP)
	CASEBOOK_SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

## test: lint, every test (including a strict MkDocs build of the site) and the content check
test: $(STAMP) lint
	$(BIN)/casebook validate
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests

## build: a strict build into site/, swapped in only when the whole build succeeded
build: $(STAMP)
	rm -rf .site-staging
	$(BIN)/mkdocs build --strict --site-dir .site-staging
	rm -rf site && mv .site-staging site

## bench: time the pipeline on synthetic content and the plugin against a plain build
bench: $(STAMP)
	$(BIN)/python -m casebook.bench

clean:
	rm -rf $(VENV) site .site-staging build bench-results
