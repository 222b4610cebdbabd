"""Fine-tune the joint model: `eventcoder train --config configs/X.yaml [--output DIR] [--resume]`.

One loop for CPU and GPU through accelerate (mixed precision on GPU, gradient accumulation, several GPUs with
`accelerate launch`). Batches are grouped by length and padded to their longest window; the learning rate
warms up and decays linearly; the dev set is scored after every epoch (or every N steps) and the model with
the best entity + relation F1 is kept; training stops early when it stops improving. A checkpoint every N
steps holds everything needed to continue after a kill: `--resume` picks up at the same batch.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch
from accelerate import Accelerator
from accelerate.utils import broadcast, set_seed
from tqdm.auto import tqdm
from transformers import get_linear_schedule_with_warmup

from ..annotations import load_documents
from ..backbones import load_backbone
from ..config import Config
from ..inference.predictor import Predictor
from .encoding import EncodingReport, Window, collate_windows, encode_documents
from .evaluate import Evaluation, evaluate_documents
from .model import EventCoderModel

CHECKPOINT_DIR = "checkpoint"
BEST_DIR = "best"
STATE_FILE = "trainer_state.json"
METRICS_FILE = "metrics.jsonl"


@dataclass
class TrainerState:
    epoch: int = 0
    batches_done_in_epoch: int = 0
    global_step: int = 0
    best_score: float = -1.0
    evaluations_without_gain: int = 0
    seconds: float = 0.0  # training time before this run (resumed runs add up)


def length_grouped_batches(windows: list[Window], batch_size: int, seed: int) -> list[list[int]]:
    """Shuffled batches of windows of similar length: little padding, yet a different mix every epoch."""
    rng = random.Random(seed)
    order = list(range(len(windows)))
    rng.shuffle(order)
    mega = batch_size * 32
    batches = []
    for i in range(0, len(order), mega):
        chunk = sorted(order[i:i + mega], key=lambda k: len(windows[k].input_ids))
        batches += [chunk[j:j + batch_size] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def shard_batches(batches: list[list[int]], num_processes: int, process_index: int) -> list[list[int]]:
    """This process's share of an epoch's batches under `accelerate launch`: every rank the same number of
    steps (DDP waits for all ranks at each step), the last few batches dropped when they do not divide."""
    usable = len(batches) - len(batches) % num_processes
    return batches[process_index:usable:num_processes]


def train(config: Config, output_dir: str | Path | None = None, resume: bool = False,
          log: Callable[[str], None] = print) -> Evaluation | None:
    tc = config.training
    output = Path(output_dir or tc.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    if tc.threads:
        torch.set_num_threads(tc.threads)
    cpu_only = not torch.cuda.is_available()
    accelerator = Accelerator(mixed_precision="no" if cpu_only and tc.mixed_precision == "fp16" else tc.mixed_precision,
                              gradient_accumulation_steps=tc.gradient_accumulation_steps)
    set_seed(tc.seed)
    if not accelerator.is_main_process:
        log = _silent  # one voice under `accelerate launch`

    overrides = {} if tc.attention_dropout is None else {"attention_probs_dropout_prob": tc.attention_dropout}
    tokenizer, encoder = load_backbone(config.backbone, **overrides)
    if tc.freeze_word_embeddings:
        encoder.get_input_embeddings().weight.requires_grad_(False)
    model = EventCoderModel(encoder, config.model, {"backbone": config.backbone.to_config(),
                                                     "config": _jsonable(config.as_dict())})

    train_docs = load_documents(config.data.train) + load_documents(config.data.extra_train)
    dev_docs = load_documents(config.data.dev)
    report = EncodingReport()
    windows = encode_documents(train_docs, tokenizer, config.encoding, report)
    log(f"train: {len(train_docs)} reports → {len(windows)} windows, {sum(len(w.input_ids) for w in windows)} tokens; "
        f"dev: {len(dev_docs)} reports; {len(report.misaligned)} of {report.entities} entities have a boundary "
        f"inside a sub-word; {report.relations_out_of_reach} of {report.relations} relations are out of the pairs' reach")

    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.") and p.requires_grad]
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    enc = [(n, p) for n, p in model.encoder.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in enc if not n.endswith(no_decay)], "weight_decay": tc.weight_decay},
        {"params": [p for n, p in enc if n.endswith(no_decay)], "weight_decay": 0.0},
        {"params": head_params, "weight_decay": tc.weight_decay, "lr": tc.head_learning_rate},
    ], lr=tc.learning_rate)
    # Steps over all batches, as one process would take them: with N processes each takes 1/N of them and
    # accelerate advances the prepared scheduler N times per step, so the schedule comes out the same.
    steps_per_epoch = math.ceil(math.ceil(len(windows) / tc.batch_size) / tc.gradient_accumulation_steps)
    total_steps = steps_per_epoch * tc.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(tc.warmup_ratio * total_steps), total_steps)
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)

    state = TrainerState()
    checkpoint = output / CHECKPOINT_DIR
    if resume and (checkpoint / STATE_FILE).exists():
        accelerator.load_state(str(checkpoint))
        state = TrainerState(**json.loads((checkpoint / STATE_FILE).read_text()))
        log(f"resumed at epoch {state.epoch + 1}, batch {state.batches_done_in_epoch}, step {state.global_step}")

    started = time.monotonic() - state.seconds
    best: Evaluation | None = None
    out_of_time = False
    while state.epoch < tc.epochs and not out_of_time:
        # the same seed on every rank: the same shuffle, of which each rank takes its own share
        batches = shard_batches(length_grouped_batches(windows, tc.batch_size, tc.seed + state.epoch),
                                accelerator.num_processes, accelerator.process_index)
        bar = tqdm(total=len(batches), initial=state.batches_done_in_epoch, desc=f"epoch {state.epoch + 1}/{tc.epochs}",
                   disable=not accelerator.is_local_main_process, unit="batch")
        model.train()
        for b in range(state.batches_done_in_epoch, len(batches)):
            batch = collate_windows([windows[k] for k in batches[b]], tokenizer.pad_token_id).to(accelerator.device)
            with accelerator.accumulate(model):
                out = model(batch)
                accelerator.backward(out.loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(model.parameters(), tc.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            state.batches_done_in_epoch = b + 1
            if accelerator.sync_gradients:
                state.global_step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{out.loss.item():.3f}", tags=f"{out.tag_loss.item():.3f}",
                            rel=f"{out.relation_loss.item():.3f}" if out.relation_loss is not None else "-")
            state.seconds = time.monotonic() - started
            out_of_time = _main_decides(accelerator, tc.max_minutes is not None and state.seconds > tc.max_minutes * 60)
            if tc.evaluate_every_steps and state.global_step % tc.evaluate_every_steps == 0 and accelerator.sync_gradients:
                best, stop = _evaluate(accelerator, model, tokenizer, config, dev_docs, state, output, best, log)
                if stop:
                    out_of_time = True
            if state.global_step % tc.checkpoint_every_steps == 0 and accelerator.sync_gradients:
                _checkpoint(accelerator, state, checkpoint)
            if out_of_time:
                break
        bar.close()
        if state.batches_done_in_epoch == len(batches):
            state.epoch += 1
            state.batches_done_in_epoch = 0
            if not tc.evaluate_every_steps:
                best, stop = _evaluate(accelerator, model, tokenizer, config, dev_docs, state, output, best, log)
                out_of_time = out_of_time or stop
            _checkpoint(accelerator, state, checkpoint)
    if out_of_time:
        log(f"stopped after {state.seconds / 60:.1f} min (time budget or early stopping)")
        if state.best_score < 0:  # stopped before the first evaluation: keep what there is
            best, _ = _evaluate(accelerator, model, tokenizer, config, dev_docs, state, output, best, log)
    if (tc.count_link_thresholds or tc.relation_thresholds) and accelerator.is_main_process:
        _choose_decision_thresholds(output / BEST_DIR, tokenizer, config, dev_docs, accelerator.device, log)
        state.seconds = time.monotonic() - started
    log(f"done: {state.global_step} steps in {state.seconds / 60:.1f} min; best dev score {state.best_score:.4f}; "
        f"model in {output / BEST_DIR}")
    return best


def _evaluate(accelerator, model, tokenizer, config: Config, dev_docs, state: TrainerState, output: Path,
              best: Evaluation | None, log) -> tuple[Evaluation | None, bool]:
    """Score the dev set; keep the model if it is the best so far. Returns (best evaluation, stop?).

    Under `accelerate launch` the main process scores and the other ranks take its verdict: they hold the
    same weights, and scoring once keeps their stopping decisions from drifting apart."""
    if not dev_docs:
        raise ValueError("no dev reports: early stopping and model selection need data.dev")
    ev, score = None, -1.0
    if accelerator.is_main_process:
        unwrapped: EventCoderModel = accelerator.unwrap_model(model)
        unwrapped.eval()
        predictor = Predictor(unwrapped, tokenizer, config.encoding, device=accelerator.device,
                              mixed_precision=config.training.mixed_precision)
        ev = evaluate_documents(dev_docs, predictor.predict(dev_docs))
        unwrapped.train()
        score = ev.entity_f1 + ev.relation_f1
    score = _main_decides(accelerator, score)
    improved = score > state.best_score
    if ev is not None:
        record = {"epoch": state.epoch, "step": state.global_step, "minutes": round(state.seconds / 60, 2),
                  "entity_f1": ev.entity_f1, "relation_f1": round(ev.relation_f1, 4),
                  "totals_exact": ev.totals["all_exact"], "best": improved}
        with open(output / METRICS_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        log(json.dumps(record))
    if improved:
        state.best_score, state.evaluations_without_gain = score, 0
        if accelerator.is_main_process:
            accelerator.unwrap_model(model).save_pretrained(output / BEST_DIR, tokenizer)
        return ev, False
    state.evaluations_without_gain += 1
    return best, state.evaluations_without_gain >= config.training.early_stopping_patience


def _main_decides(accelerator, value):
    """The main process's `value` (a bool or a float) on every rank; itself when there is one process."""
    if accelerator.num_processes == 1:
        return value
    return type(value)(broadcast(torch.tensor([float(value)], device=accelerator.device), from_process=0).item())


def _silent(_: str) -> None:
    pass


def _choose_decision_thresholds(best_dir: Path, tokenizer, config: Config, dev_docs, device, log) -> None:
    """Score the kept model on dev at each of training.count_link_thresholds, then, with the best of them, at
    each of training.relation_thresholds; save it with the best of each (relation F1 + exact totals).

    The relation head is trained with every pair that is not linked as "none", most of them, and its most
    likely class is not the best decision: a lower bar for PART_OF/SAME_AS buys back recall that the totals
    need, and a higher one for the other relations trades a little recall for more precision.
    """
    model = EventCoderModel.from_pretrained(best_dir, device=device)
    predictor = Predictor(model, tokenizer, config.encoding, device=device,
                          mixed_precision=config.training.mixed_precision)
    for name, candidates in (("count_link_threshold", config.training.count_link_thresholds),
                             ("relation_threshold", config.training.relation_thresholds)):
        scores = {}
        for threshold in candidates:
            setattr(model.config, name, threshold)
            ev = evaluate_documents(dev_docs, predictor.predict(dev_docs))
            scores[threshold] = ev.relation_f1 + ev.totals["all_exact"]
            log(json.dumps({name: threshold, "relation_f1": round(ev.relation_f1, 4),
                            "totals_exact": ev.totals["all_exact"]}))
        if scores:
            setattr(model.config, name, max(scores, key=scores.get))  # on a tie, the first listed
            log(f"{name} {getattr(model.config, name)} saved with the model")
    model.save_pretrained(best_dir, tokenizer)


def _checkpoint(accelerator, state: TrainerState, checkpoint: Path) -> None:
    accelerator.save_state(str(checkpoint))
    if accelerator.is_main_process:
        (checkpoint / STATE_FILE).write_text(json.dumps(asdict(state)))


def _jsonable(obj):
    return json.loads(json.dumps(obj, default=str))
