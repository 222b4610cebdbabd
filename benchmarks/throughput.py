"""Throughput: eventcoder's predictor against the Hugging Face token-classification pipeline, same model.

    .venv/bin/python benchmarks/throughput.py MODEL_DIR [--limit N] [--batch-sizes 1,8,32,64] [--json OUT]

Both sides run in this one process over the same reports with the same weights:

- the baseline is `transformers.pipeline("token-classification", aggregation_strategy="simple", stride=…)`
  over an `AutoModelForTokenClassification` built from the eventcoder model (its encoder as the base model,
  its tag head as the classifier, the BIO tags as labels), saved to a temporary directory with the tokenizer
  and loaded back from there. The script checks that its logits equal the eventcoder tag head's and that its
  windows are eventcoder's windows (see `make_baseline`), then sweeps its `batch_size` and keeps its best,
  once with fp32 weights and once with bf16 weights;
- eventcoder runs as the product runs it: `Predictor.predict_stream` (tags, constrained decoding, relations)
  followed by event assembly, also swept over batch sizes, with bf16 autocast (the product's default),
  with fp32 for a like-for-like row, and with `--eventcoder-variants bf16-compiled` with the encoder
  compiled as `eventcoder predict --compile` runs it (its warm-up run, which pays the compilation, is
  reported beside it).

Tokens are counted once, with the tokenizer (sub-words without special tokens), and the same count divides
both sides' times. Every timed run is preceded by a warm-up run of the same configuration on a few reports;
with `--repeat N` the fastest of N timed runs counts.

`--check-quality DATA.jsonl` also scores the predictor in fp32 and in each variant on annotated data
(`training.evaluate.evaluate_documents`), to show what bf16 and compilation cost in F1.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shlex
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import torch
import transformers
from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

from eventcoder.inference.predictor import Predictor
from eventcoder.inference import batch
from eventcoder.inference.events import assemble_events, event_to_dict
from eventcoder.schema import Document, Problem
from eventcoder.training.encoding import TAGS, EncodingConfig, token_windows, tokenize_text
from eventcoder.training.model import EventCoderModel

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REPORTS = str(REPO / "annotations" / "splits" / "*.jsonl")


@dataclass
class Row:
    system: str
    variant: str  # fp32 / bf16 for the pipeline; see EVENTCODER_VARIANTS for eventcoder
    batch_size: int
    seconds: float
    reports_per_s: float
    tokens_per_s: float
    entities: int  # what the run found: a sanity check that both sides did the work
    warmup_seconds: float  # the warm-up run, which pays one-off costs such as compilation


# ------------------------------------------------------------------------------------------------ inputs

def read_reports(patterns: Sequence[str], limit: int | None) -> list[Document]:
    """The reports under `patterns` (globs), read as `eventcoder predict` reads them; a report it cannot read
    stops the benchmark, since both sides must see the same inputs."""
    paths = sorted({p for pattern in patterns for p in glob.glob(pattern)}) or list(patterns)
    docs = []
    for item in batch.read_reports(paths):
        if isinstance(item, Problem):
            raise SystemExit(f"cannot read a report: {item}")
        docs.append(item.doc)
    return docs[:limit] if limit else docs


# -------------------------------------------------------------------------------------------- the baseline

def make_baseline(model: EventCoderModel, model_dir: str, encoding: EncodingConfig, directory: Path):
    """Save the eventcoder model as a token-classification checkpoint that `pipeline` loads; return its
    tokenizer and a description.

    Window sizes: the pipeline cuts a text into chunks of `tokenizer.model_max_length` tokens, special tokens
    included, consecutive chunks sharing `stride` tokens. eventcoder's `window_length` also counts the two
    special tokens, so model_max_length = window_length and stride = window_stride give the same windows
    (checked in `check_same_windows`)."""
    config = type(model.encoder.config).from_dict(model.encoder.config.to_dict())
    config.architectures = None
    config.id2label = dict(enumerate(TAGS))
    config.label2id = {tag: i for i, tag in enumerate(TAGS)}
    hf_model = AutoModelForTokenClassification.from_config(config)
    getattr(hf_model, hf_model.base_model_prefix).load_state_dict(model.encoder.state_dict())
    hf_model.classifier.load_state_dict(model.tag_head.state_dict())
    hf_model.save_pretrained(directory)
    tokenizer = AutoTokenizer.from_pretrained(model_dir, model_max_length=encoding.window_length)
    tokenizer.save_pretrained(directory)
    return tokenizer, {"model_max_length": tokenizer.model_max_length, "stride": encoding.window_stride,
                       "architecture": type(hf_model).__name__, "labels": hf_model.config.num_labels}


def check_same_model(model: EventCoderModel, directory: Path, tokenizer, texts: Sequence[str]) -> float:
    """The saved token-classification model's logits must equal the eventcoder tag head's (fp32)."""
    hf_model = AutoModelForTokenClassification.from_pretrained(directory, dtype=torch.float32).eval()
    worst = 0.0
    with torch.inference_mode():
        for text in texts:
            enc = tokenizer(text, truncation=True, return_tensors="pt")
            expected = model.tag_head(model.encoder(input_ids=enc["input_ids"],
                                                    attention_mask=enc["attention_mask"]).last_hidden_state)
            got = hf_model(**enc).logits
            torch.testing.assert_close(got, expected, msg=lambda m: f"pipeline model differs: {m}")
            worst = max(worst, float((got - expected).abs().max()))
    return worst


def check_same_windows(tokenizer, encoding: EncodingConfig, texts: Sequence[str]) -> int:
    """The pipeline's chunks (its own tokenizer call, as in `TokenClassificationPipeline.preprocess`) must hold
    the same tokens as eventcoder's windows. Returns the number of windows compared."""
    compared = 0
    for text in texts:
        ids, _ = tokenize_text(text, tokenizer)
        ours = [[tokenizer.cls_token_id] + ids[s:e] + [tokenizer.sep_token_id]
                for s, e in token_windows(len(ids), encoding)]
        chunks = tokenizer(text, truncation=True, return_overflowing_tokens=True, stride=encoding.window_stride,
                           padding=False)["input_ids"]
        if ours != [list(c) for c in chunks]:
            raise AssertionError(f"the pipeline's windows differ from eventcoder's on a {len(ids)}-token report: "
                                 f"lengths {[len(c) for c in chunks]} against {[len(w) for w in ours]}")
        compared += len(ours)
    return compared


def time_pipeline(directory: Path, texts: list[str], dtype: torch.dtype, device: str, batch_sizes: list[int],
                  stride: int, warmup: int, repeat: int, n_tokens: int) -> list[Row]:
    pipe = pipeline("token-classification", model=str(directory), tokenizer=str(directory), dtype=dtype,
                    aggregation_strategy="simple", stride=stride, device=device)
    precision = "bf16" if dtype == torch.bfloat16 else "fp32"
    rows = []
    for batch_size in batch_sizes:
        def run(reports: list[str]) -> int:
            return sum(len(found) for found in pipe(reports, batch_size=batch_size))

        seconds, entities, warmup_seconds = timed(run, texts, warmup, repeat, device)
        rows.append(Row("HF pipeline", precision, batch_size, seconds, len(texts) / seconds, n_tokens / seconds,
                        entities, warmup_seconds))
        print_row(rows[-1])
    return rows


# ------------------------------------------------------------------------------------------------ eventcoder

def assemble(doc: Document) -> list[dict]:
    """Event assembly as `eventcoder predict` writes it: events, then their JSON-able dicts."""
    return [event_to_dict(event) for event in assemble_events(doc)]


# eventcoder variants: --eventcoder-precisions name -> (Predictor mixed_precision, compile)
EVENTCODER_VARIANTS = {"bf16": ("bf16", False), "bf16-compiled": ("bf16", True), "fp32": ("no", False),
                       "fp32-compiled": ("no", True)}


def time_eventcoder(model: EventCoderModel, tokenizer, encoding: EncodingConfig, docs: list[Document],
                    variant: str, device: str, batch_sizes: list[int], chunk_size: int, warmup: int,
                    repeat: int, n_tokens: int) -> list[Row]:
    mixed_precision, compile_encoder = EVENTCODER_VARIANTS[variant]
    rows = []
    for batch_size in batch_sizes:
        predictor = Predictor(model, tokenizer, encoding, batch_size=batch_size, device=device,
                              mixed_precision=mixed_precision, compile=compile_encoder)

        def run(reports: list[Document]) -> int:
            entities = 0
            for predicted in predictor.predict_stream(reports, chunk_size=chunk_size):
                assemble(predicted)
                entities += len(predicted.entities)
            return entities

        seconds, entities, warmup_seconds = timed(run, docs, warmup, repeat, device)
        rows.append(Row("eventcoder", variant, batch_size, seconds, len(docs) / seconds, n_tokens / seconds,
                        entities, warmup_seconds))
        print_row(rows[-1])
    return rows


# -------------------------------------------------------------------------------------------------- timing

def timed(run: Callable[[list], int], inputs: list, warmup: int, repeat: int,
          device: str) -> tuple[float, int, float]:
    """The fastest of `repeat` runs over all inputs, after one warm-up run over the first `warmup` inputs;
    returns (seconds, what the run returned, seconds of the warm-up)."""
    started = time.perf_counter()
    run(inputs[:warmup])
    sync(device)
    warmup_seconds = time.perf_counter() - started
    best, result = float("inf"), 0
    for _ in range(repeat):
        sync(device)
        started = time.perf_counter()
        result = run(inputs)
        sync(device)
        best = min(best, time.perf_counter() - started)
    return best, result, warmup_seconds


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def print_row(row: Row) -> None:
    print(f"  {row.system:<12}{row.variant:<15}{row.batch_size:>6}{row.seconds:>10.2f}{row.reports_per_s:>11.2f}"
          f"{row.tokens_per_s:>11.0f}{row.entities:>10}{row.warmup_seconds:>10.1f}", flush=True)


def best_of(rows: list[Row], system: str, variant: str) -> Row | None:
    matching = [r for r in rows if r.system == system and r.variant == variant]
    return max(matching, key=lambda r: r.tokens_per_s) if matching else None


# ------------------------------------------------------------------------------------------------- quality

def check_quality(model_dir: str, data: str, device: str, variants: Sequence[str]) -> dict:
    """Entity, relation and casualty-total scores of the predictor in fp32 and in bf16 on annotated data."""
    from eventcoder.annotations.jsonl import read_jsonl
    from eventcoder.training.evaluate import evaluate_documents

    problems: list = []
    gold = read_jsonl(data, problems)  # invalid reports are left out (and counted) rather than fatal
    out = {"data": data, "reports": len(gold), "skipped_invalid": len(problems)}
    spans = {}
    for name in dict.fromkeys(["fp32", *variants]):  # fp32 first: the reference
        mixed_precision, compile_encoder = EVENTCODER_VARIANTS[name]
        predictor = Predictor.from_pretrained(model_dir, device=device, mixed_precision=mixed_precision,
                                              compile=compile_encoder)
        predicted = predictor.predict(gold)
        ev = evaluate_documents(gold, predicted)
        out[name] = {"entity_f1": ev.entity_f1,
                     "entity_exact_f1": ev.as_dict()["entities"]["exact"]["micro"]["f1"],
                     "relation_f1": round(ev.relation_f1, 4), "totals_all_exact": ev.totals["all_exact"]}
        spans[name] = {(d.id, e.label, e.start, e.end) for d in predicted for e in d.entities}
    # how far each variant's predictions differ from fp32's, whatever the gold says
    for name in spans:
        if name != "fp32":
            out[f"{name}_minus_fp32"] = {k: round(out[name][k] - out["fp32"][k], 4) for k in out["fp32"]}
            out[f"{name}_same_spans"] = round(len(spans["fp32"] & spans[name])
                                              / max(1, len(spans["fp32"] | spans[name])), 4)
    return out


# ---------------------------------------------------------------------------------------------------- main

def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", metavar="MODEL_DIR", help="an eventcoder model directory (save_pretrained)")
    parser.add_argument("--reports", nargs="+", default=[DEFAULT_REPORTS],
                        help="JSONL files or globs with a `text` field (default: annotations/splits/*.jsonl)")
    parser.add_argument("--limit", type=int, help="only the first N reports")
    parser.add_argument("--batch-sizes", default="1,8,32,64", help="swept on both sides (default: 1,8,32,64)")
    parser.add_argument("--pipeline-precisions", default="fp32,bf16", help="weights of the baseline model")
    parser.add_argument("--eventcoder-variants", default="bf16,fp32",
                        help="bf16 = autocast, the product's default; fp32 for the like-for-like row; "
                             "bf16-compiled / fp32-compiled with the encoder compiled (`predict --compile`)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's own choice)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per configuration; the fastest counts")
    parser.add_argument("--warmup", type=int, default=16, help="reports in the warm-up run (default 16)")
    parser.add_argument("--chunk-size", type=int, default=64, help="Predictor.predict_stream chunk (default 64)")
    parser.add_argument("--check-quality", metavar="DATA.jsonl", help="also score each eventcoder variant on DATA")
    parser.add_argument("--skip-throughput", action="store_true", help="with --check-quality: only that")
    parser.add_argument("--json", metavar="OUT", help="write every figure to OUT as JSON")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    command = "python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    result: dict = {"command": command, "device": args.device, "threads": torch.get_num_threads(),
                    "torch": torch.__version__, "transformers": transformers.__version__,
                    "cpu": cpu_name(), "cpu_count": os.cpu_count()}
    if args.device.startswith("cuda"):
        result["gpu"] = torch.cuda.get_device_name()
    print(command)

    if not args.skip_throughput:
        result.update(run_throughput(args, batch_sizes))
    if args.check_quality:
        variants = args.eventcoder_variants.split(",")
        print(f"\nquality of each variant against fp32, on {args.check_quality}:")
        quality = check_quality(args.model_dir, args.check_quality, args.device, variants)
        for name in dict.fromkeys(["fp32", *variants]):
            print(f"  {name:<26}" + "  ".join(f"{k} {v:.4f}" for k, v in quality[name].items()))
            if name != "fp32":
                print(f"  {name + ' - fp32':<26}" + "  ".join(
                    f"{k} {v:+.4f}" for k, v in quality[f"{name}_minus_fp32"].items()))
                print(f"  {'':<26}predicted spans identical to fp32's: {quality[f'{name}_same_spans']:.2%} "
                      f"(intersection over union)")
        print(f"  ({quality['reports']} reports; {quality['skipped_invalid']} invalid ones left out)")
        result["quality"] = quality
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwritten: {args.json}")
    return result


def run_throughput(args, batch_sizes: list[int]) -> dict:
    docs = read_reports(args.reports, args.limit)
    model = EventCoderModel.from_pretrained(args.model_dir)
    tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
    encoding = EncodingConfig(**model.meta.get("config", {}).get("encoding", {}))
    texts = [d.text for d in docs]
    lengths = [len(tokenize_text(t, tokenizer)[0]) for t in texts]
    n_tokens = sum(lengths)
    n_windows = sum(len(token_windows(n, encoding)) for n in lengths)
    events_note = "events.assemble_events + event_to_dict"
    print(f"reports: {len(docs)}, tokens: {n_tokens:,} (sub-words, without special tokens), windows: {n_windows:,} "
          f"({encoding.window_length} tokens, {encoding.window_stride} shared); device {args.device} "
          f"({torch.cuda.get_device_name() if args.device.startswith('cuda') else cpu_name()}), "
          f"{torch.get_num_threads()} threads; torch {torch.__version__}, transformers {transformers.__version__}")
    print(f"event assembly: {events_note}")

    with tempfile.TemporaryDirectory(prefix="eventcoder-baseline-") as tmp:
        baseline_tokenizer, baseline = make_baseline(model, args.model_dir, encoding, Path(tmp))
        longest = sorted(texts, key=len)[-3:]
        max_diff = check_same_model(model, Path(tmp), baseline_tokenizer, texts[:3] + longest)
        compared = check_same_windows(baseline_tokenizer, encoding, texts)
        print(f"baseline: {baseline['architecture']} from the same weights, pipeline(aggregation_strategy="
              f"'simple', stride={baseline['stride']}), model_max_length={baseline['model_max_length']} "
              f"(eventcoder's window_length, special tokens included); logits equal to the tag head's "
              f"(max |diff| {max_diff:.1e}); its {compared:,} windows are eventcoder's windows, token for token")
        print(f"\n  {'system':<12}{'variant':<15}{'batch':>6}{'seconds':>10}{'reports/s':>11}{'tokens/s':>11}"
              f"{'entities':>10}{'warm-up s':>10}")
        rows: list[Row] = []
        for precision in args.pipeline_precisions.split(","):
            dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]
            rows += time_pipeline(Path(tmp), texts, dtype, args.device, batch_sizes, encoding.window_stride,
                                  args.warmup, args.repeat, n_tokens)
    for variant in args.eventcoder_variants.split(","):
        rows += time_eventcoder(model, tokenizer, encoding, docs, variant, args.device, batch_sizes,
                                args.chunk_size, args.warmup, args.repeat, n_tokens)

    print("\nbest batch size of each:")
    systems = dict.fromkeys((r.system, r.variant) for r in rows)  # in the order they ran
    best = {f"{s} {p}": best_of(rows, s, p) for s, p in systems}
    for name, row in best.items():
        print(f"  {name:<26} batch {row.batch_size:>3}: {row.reports_per_s:8.2f} reports/s {row.tokens_per_s:9.0f}"
              f" tokens/s")
    ratios = {f"{ours} / {theirs}": best[ours].tokens_per_s / best[theirs].tokens_per_s
              for ours in best if ours.startswith("eventcoder") for theirs in best if theirs.startswith("HF")}
    print("\nratios (throughput, best batch size each; eventcoder includes relations and event assembly):")
    for name, ratio in ratios.items():
        print(f"  {name:<48} {ratio:5.2f}x")
    return {"reports": len(docs), "tokens": n_tokens, "windows": n_windows, "encoding": asdict(encoding),
            "baseline": {**baseline, "max_logit_diff": max_diff, "windows_compared": compared},
            "event_assembly": events_note, "rows": [asdict(r) for r in rows],
            "best": {k: asdict(v) for k, v in best.items() if v}, "ratios": ratios}


if __name__ == "__main__":
    main()
