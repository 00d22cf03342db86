# The two commands a fresh machine needs (Python 3.10+ and make):
#   make book   build the HTML book into _build/html
#   make test   run every test
# and `make lab` opens the notebooks in JupyterLab. Each installs what it needs
# into .venv on first use (the book's config excludes that folder).

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
INSTALLED := $(VENV)/.installed
HELPERS := $(wildcard helpers/*.py helpers/*/*.py)
NOTEBOOKS := $(wildcard book/*.ipynb)

# Kernels, `!python` cells and the build's own tools come from the venv.
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book test lab lint outputs constraints clean

$(INSTALLED): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
		|| { echo "Python 3.10 or newer is needed (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

# Cached notebook results are keyed on code cells only: when a helper changes,
# drop them (and Sphinx's parsed pages) so that every notebook runs again and no
# page shows outputs of the old code. The npm files in _build/frontend stay.
_build/.helpers-stamp: $(HELPERS)
	rm -rf _build/.jupyter_cache _build/.doctrees _build/jupyter_execute
	mkdir -p _build
	touch $@

book: $(INSTALLED) _build/.helpers-stamp
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(INSTALLED) lint
	$(BIN)/python -m pytest -v

lint: $(INSTALLED)
	$(BIN)/ruff check helpers tests
	$(BIN)/ruff format --check helpers tests

lab: $(INSTALLED)
	$(BIN)/jupyter lab --notebook-dir=book

# Re-run every notebook in place, so its stored outputs (what nbval compares)
# come from a real run of the current code.
outputs: $(INSTALLED)
	cd book && $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=300 $(notdir $(NOTEBOOKS))

# Record the exact versions tested, after changing requirements.txt.
constraints: $(INSTALLED)
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf _build
