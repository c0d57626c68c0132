# qmkit: make run | make test | make bench. `install` is idempotent: it reinstalls only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench demo migration clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/qmkit serve

lint: install
	$(BIN)/ruff check qmkit tests benchmarks
	$(BIN)/ruff format --check qmkit tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest tests --nbval-lax notebooks -p no:cacheprovider

bench: install
	$(BIN)/python benchmarks/bench.py

demo: install
	$(BIN)/qmkit demo --catalog qm4

# A new Alembic revision from what tables.py has and the migrations do not: make migration m="Beschreibung"
migration: install
	@test -n "$(m)" || { echo 'make migration m="Beschreibung der Änderung"'; exit 2; }
	@f="$$($(BIN)/python -m qmkit.store.migrations.revision "$(m)" | tail -n 1)" && test -f "$$f" && \
	$(BIN)/ruff check --fix --quiet "$$f" && $(BIN)/ruff format --quiet "$$f" && echo "neu: $$f (bitte prüfen)"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
