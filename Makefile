# Set-up and the main jobs. Every target creates or reuses the virtual environment, so a fresh clone needs
# nothing but `make test` or `make demo`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
EVENTCODER := $(VENV)/bin/eventcoder
# torch is pinned to the CPU wheel these machines hold locally; an unpinned torch resolves to a CUDA build.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed
DEMO := runs/demo

.PHONY: install test demo corpus clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH)" -e ".[test,parquet]"
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

# Compile the corpus drafts and (re)write the committed splits; fails on any invalid draft.
corpus: $(STAMP)
	$(EVENTCODER) annotations validate annotations/
	$(EVENTCODER) annotations split annotations/drafts -o annotations/splits

demo: $(STAMP)
	mkdir -p $(DEMO)
	$(EVENTCODER) annotations validate annotations/
	$(EVENTCODER) annotations stats annotations/
	$(EVENTCODER) annotations compile annotations/examples -o $(DEMO)/examples.jsonl
	@echo "demo: training, evaluation and prediction are not built yet (issues 5 and 6); the demo stops here."

clean:
	rm -rf $(VENV) runs .pytest_cache
