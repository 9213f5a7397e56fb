# vangnet: every target creates/uses .venv itself, so a fresh clone needs only Python 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo test lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "vangnet needs Python 3.11 or newer"'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
		{ echo "python3-venv is missing; installing it with apt-get"; \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq python3-venv; }
	@# Letters are PDFs made by WeasyPrint, which needs Pango and a font from Debian.
	@$(PYTHON) -c "import ctypes.util as u, sys; sys.exit(not u.find_library('pangoft2-1.0'))" || \
		{ echo "Pango is missing (WeasyPrint letters); installing it with apt-get"; \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Builds the demo database (SQLite in ./var unless DATABASE_URL is set), prints the
# demo logins, and serves the app on http://$(HOST):$(PORT).
demo: install
	$(BIN)/vangnet demo
	$(BIN)/vangnet serve --host $(HOST) --port $(PORT)

# Runs the whole suite on the database DATABASE_URL names (SQLite when unset).
# Exit code 5 (no tests collected) counts as a failure.
test: install
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/vangnet makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Benchmarks print their figures; BENCH_SIZE scales them (default 1,000,000).
bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
