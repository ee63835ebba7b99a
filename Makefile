# policylens — the README's two commands are `make reproduce` and `make test`.
# Both create .venv (pinned dependencies from PyPI, the package installed
# editable) when it is missing or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help venv data notebooks reproduce test lab evaluate benchmark clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv with the pinned dependencies

data: $(STAMP) ## Rebuild data/processed/ from data/raw/
	$(BIN)/policylens build

notebooks: $(STAMP) ## Re-execute in place the notebooks whose cells, code or data changed (FORCE=1: all), side by side
	$(BIN)/policylens notebooks $(if $(FORCE),--force,)

reproduce: data notebooks ## Reproduce everything: data/processed, notebooks, figures

test: $(STAMP) ## Run the whole test suite (ruff, unit tests + nbval over notebooks/)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest --nbval --nbval-current-env

# Jupyter refuses to run as root unless told; containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

LAB_HOST ?= 127.0.0.1
LAB_PORT ?= 8888

lab: $(STAMP) ## Open JupyterLab at the project root (notebooks/ and data/raw/ reachable) on LAB_HOST:LAB_PORT
	$(BIN)/jupyter lab --notebook-dir=. --ip=$(LAB_HOST) --port=$(LAB_PORT) $(ROOT_FLAG) $(LAB_ARGS)

evaluate: $(STAMP) ## Print every quality figure against the gold data (exit 0 when it ran)
	$(BIN)/policylens evaluate all

benchmark: $(STAMP) ## Print speed ratios (linearity) of the stages
	@for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean: ## Remove .venv and caches (keeps committed outputs)
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
