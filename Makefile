# qmkit: make run | make test | make bench. `install` is idempotent: it reinstalls only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench demo migration locale clean

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

# The gettext template qmkit/locale/qmkit.pot: every _(), n_() and N_() literal in qmkit/ (Babel, a test extra),
# and the label literals of button() and excel_upload(), which translate their label argument themselves.
# tests/test_locale.py reads POT_OPTIONS from here. Sorted by message, file names without line numbers and no
# creation date: the file changes only when a message does.
POT_OPTIONS := -F babel.cfg --no-default-keywords -k _ -k n_:1,2 -k N_ -k button:2 -k excel_upload:4 --sort-output --add-location=file --no-wrap
POT := qmkit/locale/qmkit.pot
# Then the translations (qmkit/locale/<lang>/LC_MESSAGES/qmkit.po, English today) get the new ids with an empty text
# and lose the removed ones (no fuzzy guesses: an empty text is what tests/test_translation.py names), and the
# committed .mo files are compiled from them: the app reads only the .mo, a fresh clone has it without a build step.
# A .po keeps its own fixed POT-Creation-Date (--ignore-pot-creation-date), so the .mo changes only with a text.
PO_OPTIONS := -d qmkit/locale -D qmkit --no-wrap --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
locale: install
	$(BIN)/pybabel --quiet extract $(POT_OPTIONS) --project=qmkit --header-comment="# Message ids of qmkit (German), made by make locale." -o $(POT) qmkit
	@sed -i.bak '/^"POT-Creation-Date: /d' $(POT) && rm -f $(POT).bak
	$(BIN)/pybabel --quiet update -i $(POT) $(PO_OPTIONS)
	$(BIN)/pybabel compile -d qmkit/locale -D qmkit --statistics

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
