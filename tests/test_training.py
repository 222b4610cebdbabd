"""End to end on a tiny real model: train, checkpoint, resume, save, load, predict, evaluate."""

import json

import pytest

from eventcoder.annotations import load_documents
from eventcoder.annotations.jsonl import write_jsonl
from eventcoder.config import load_config
from eventcoder.inference.predictor import Predictor
from eventcoder.training.evaluate import evaluate_documents
from eventcoder.training.train import BEST_DIR, METRICS_FILE, train

from samples import multilingual

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def handful(tmp_path_factory):
    """A handful of annotated reports: the code-built samples and the worked example."""
    path = tmp_path_factory.mktemp("data") / "handful.jsonl"
    docs = [d for d in multilingual() if d.annotated_labels is None] + load_documents(["annotations/examples"])
    write_jsonl(docs, path)
    return path, docs


def tiny_config(data, **training):
    overrides = {"data.train": [str(data)], "data.dev": [str(data)]}
    overrides.update({f"training.{k}": v for k, v in training.items()})
    return load_config("configs/tiny.yaml", overrides)


@pytest.fixture(scope="module")
def fitted(handful, tmp_path_factory):
    data, docs = handful
    out = tmp_path_factory.mktemp("run")
    train(tiny_config(data), out, log=lambda _: None)
    return out, docs


def test_a_handful_of_reports_is_fitted(fitted):
    out, docs = fitted
    predictor = Predictor.from_pretrained(out / BEST_DIR)
    result = evaluate_documents(docs, predictor.predict(docs))
    assert result.entity_f1 >= 0.95, result.entities_seqeval
    metrics = [json.loads(line) for line in (out / METRICS_FILE).read_text().splitlines()]
    assert metrics and max(m["entity_f1"] for m in metrics) >= 0.95
    # the PART_OF/SAME_AS bar chosen on dev travels with the model
    assert predictor.model.config.count_link_threshold in load_config("configs/tiny.yaml").training.count_link_thresholds


def test_predictions_are_typed_and_traceable(fitted):
    out, docs = fitted
    (pred,) = Predictor.from_pretrained(out / BEST_DIR).predict(docs[:1])
    assert pred.entities and all(pred.text[e.start:e.end] == e.text and 0 < e.score <= 1 for e in pred.entities)
    assert all(r.score is not None for r in pred.relations)


def test_long_reports_merge_windows_without_cut_or_duplicate_spans(fitted):
    out, docs = fitted
    predictor = Predictor.from_pretrained(out / BEST_DIR)
    example = docs[-1]  # the worked example: far longer than one tiny window
    prepared = predictor._prepare(example)
    assert len(prepared.windows) >= 5
    (pred,) = predictor.predict([example])
    spans = sorted((e.start, e.end) for e in pred.entities)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # no duplicates, no overlaps
    gold = {(e.label, e.start, e.end) for e in example.entities}
    assert len(gold & {(e.label, e.start, e.end) for e in pred.entities}) >= 0.95 * len(gold)


def test_resume_continues_where_the_run_stopped(handful, tmp_path):
    data, _ = handful
    train(tiny_config(data, epochs=2, checkpoint_every_steps=1), tmp_path, log=lambda _: None)
    lines = []
    train(tiny_config(data, epochs=3, checkpoint_every_steps=1), tmp_path, resume=True, log=lines.append)
    assert any(line.startswith("resumed at epoch 3") for line in lines)
    epochs = [json.loads(line)["epoch"] for line in (tmp_path / METRICS_FILE).read_text().splitlines()]
    assert epochs == [1, 2, 3]
