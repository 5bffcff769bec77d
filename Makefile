# Quick start: `make serve` (set up, build, serve) and `make test` (set up, run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup serve build validate test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

VENDOR := publisher/web/static/vendor/.built
$(VENDOR): package.json package-lock.json scripts/vendor_assets.py publisher/web/compress.py $(STAMP)
	npm ci --no-audit --no-fund
	mkdir -p publisher/web/static/vendor/yasgui && cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css publisher/web/static/vendor/yasgui/
	$(BIN)/python scripts/vendor_assets.py
	touch $(VENDOR)

setup: $(STAMP) $(VENDOR)

build: setup
	$(BIN)/clusterscord build

validate: setup
	$(BIN)/clusterscord validate

serve: setup
	$(BIN)/clusterscord build
	$(BIN)/clusterscord serve

test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup
	$(BIN)/python benchmarks/run.py --triples 1m

clean:
	rm -rf var test-output
