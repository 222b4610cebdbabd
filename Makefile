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

# Compile the corpus drafts into the committed splits (stale ones are rebuilt), then check everything.
corpus: $(STAMP)
	$(EVENTCODER) annotations split annotations/drafts -o annotations/splits
	$(EVENTCODER) annotations validate annotations/

# The main job on the offline default: check the corpus, train on CPU, score the held-out test split.
demo: $(STAMP)
	mkdir -p $(DEMO)
	$(EVENTCODER) annotations validate annotations/
	$(EVENTCODER) annotations stats annotations/
	$(EVENTCODER) backbone prepare
	$(EVENTCODER) train --config configs/default.yaml --output $(DEMO)
	$(EVENTCODER) evaluate $(DEMO)/best annotations/splits/test.jsonl --json $(DEMO)/test.json
	$(EVENTCODER) events annotations/splits/test.jsonl -o $(DEMO)/gold-events.jsonl
	$(EVENTCODER) predict $(DEMO)/best samples/reports -o $(DEMO)/events.jsonl --errors $(DEMO)/errors.jsonl
	$(EVENTCODER) predict $(DEMO)/best samples/reports --format csv -o $(DEMO)/events.csv --errors $(DEMO)/errors.jsonl

clean:
	rm -rf $(VENV) runs .pytest_cache
