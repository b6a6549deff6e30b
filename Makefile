# Two commands a newcomer needs: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT ?= demo-output
# JupyterHub's proxy, from npm, for the hub tests; axe-core, for the accessibility tests;
# @noble/ed25519, the signature check that `bdhvs credential page` puts into its page.
PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js
NOBLE := $(VENV)/node/node_modules/@noble/ed25519/index.js

.PHONY: demo test test-fast lint format strip lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster,hub]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (bdhvs)"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bdhvs demo --out $(DEMO_OUT)

$(PROXY):
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@5

$(AXE):
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error axe-core@4

$(NOBLE):
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error --save-exact @noble/ed25519@3.2.0

# The whole suite, as CI runs it: browsers, JupyterHub, PostgreSQL, papermill, grading.
test: $(STAMP) $(PROXY) $(AXE) $(NOBLE) lint
	$(BIN)/python -m pytest -ra -n auto --dist loadgroup --durations=25

# Lint and every test not marked slow (pyproject.toml, tests/conftest.py): under two minutes.
# The environment's programs first: nbgrader runs `alembic` when it creates a gradebook.
test-fast: $(STAMP) $(NOBLE) lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -ra -m "not slow" -n auto --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

strip: $(STAMP)
	git ls-files '*.ipynb' | xargs $(BIN)/jupyter nbconvert --clear-output --inplace --log-level=WARN

# The learner's view (deploy/jupyter/self-study) on the start page; root may run it too.
lab: $(STAMP) bai_tap

bai_tap: $(STAMP)
	$(BIN)/bdhvs build --learner-copy bai_tap
	JUPYTER_CONFIG_PATH=$(CURDIR)/deploy/jupyter/self-study $(BIN)/jupyter lab --allow-root \
		--ServerApp.root_dir=$(CURDIR) curriculum/bat_dau.ipynb

clean:
	rm -rf $(VENV) $(DEMO_OUT) bai_tap .pytest_cache .ruff_cache
