"""End to end on a tiny real model: train, checkpoint, resume, save, load, predict, evaluate."""

import json
import os
import subprocess
import sys

import pytest

from eventcoder.annotations import load_documents
from eventcoder.annotations.jsonl import write_jsonl
from eventcoder.config import load_config
from eventcoder.inference.predictor import Predictor
from eventcoder.training.evaluate import evaluate_documents
from eventcoder.training.train import BEST_DIR, METRICS_FILE, shard_batches, train

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
    # exact spans too, where Arabic fuses a clitic into the span's first sub-word (`لقوات النظام`)
    arabic = next(d for d in docs if d.lang == "ar")
    (predicted,) = predictor.predict([arabic])
    assert "قوات النظام" in {e.text for e in predicted.entities if e.label == "ACTOR"}
    metrics = [json.loads(line) for line in (out / METRICS_FILE).read_text().splitlines()]
    assert metrics and max(m["entity_f1"] for m in metrics) >= 0.95
    # the PART_OF/SAME_AS bar and the other relations' bar chosen on dev travel with the model
    training = load_config("configs/tiny.yaml").training
    assert predictor.model.config.count_link_threshold in training.count_link_thresholds
    assert predictor.model.config.relation_threshold in training.relation_thresholds


def test_predictions_are_typed_and_traceable(fitted):
    out, docs = fitted
    (pred,) = Predictor.from_pretrained(out / BEST_DIR).predict(docs[:1])
    assert pred.entities and all(pred.text[e.start:e.end] == e.text and 0 < e.score <= 1 for e in pred.entities)
    assert all(r.score is not None for r in pred.relations)


def test_a_compiled_encoder_predicts_what_the_eager_one_does(fitted):
    """`predict --compile`: the same spans and relations, across batches of several shapes."""
    out, docs = fitted
    eager = Predictor.from_pretrained(out / BEST_DIR, batch_size=3, mixed_precision="no")
    compiled = Predictor.from_pretrained(out / BEST_DIR, batch_size=3, mixed_precision="no", compile=True)
    assert compiled.encoder is not compiled.model.encoder

    def found(predictor):
        return [({(e.label, e.start, e.end) for e in d.entities},
                 {(r.label, r.head, r.tail) for r in d.relations}) for d in predictor.predict(docs)]

    assert found(compiled) == found(eager)


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


def test_shard_batches_gives_every_rank_the_same_number_of_steps():
    batches = [[i] for i in range(7)]
    shards = [shard_batches(batches, 3, rank) for rank in range(3)]
    assert [len(s) for s in shards] == [2, 2, 2]
    assert sorted(b[0] for s in shards for b in s) == list(range(6))  # disjoint; the odd one out dropped


def test_accelerate_launch_on_two_processes_shares_the_epoch(handful, tmp_path):
    """`accelerate launch` with two CPU processes (gloo): each rank takes half the batches, the main process
    alone scores dev, writes metrics and saves the model."""
    data, _ = handful
    single = tmp_path / "single"
    train(tiny_config(data, epochs=1), single, log=lambda _: None)
    single_steps = json.loads((single / METRICS_FILE).read_text().splitlines()[0])["step"]

    double = tmp_path / "double"
    env = {**os.environ, "ACCELERATE_USE_CPU": "true", "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
         "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", "29517",
         "-m", "eventcoder.cli", "train", "--config", "configs/tiny.yaml", "--output", str(double),
         "--set", "training.epochs=2", "--set", "training.threads=1",
         "--set", f"data.train=[{data}]", "--set", f"data.dev=[{data}]"],
        env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    records = [json.loads(line) for line in (double / METRICS_FILE).read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2]  # one line per evaluation, not one per rank
    assert records[0]["step"] == single_steps // 2
    assert run.stdout.count("done:") == 1
    assert (double / BEST_DIR / "model.safetensors").is_file()
