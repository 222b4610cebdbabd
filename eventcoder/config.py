"""Run configuration: one YAML file, one dataclass per section, every knob named once.

    backbone:  which encoder (eventcoder.backbones)
    data:      annotated JSONL for training and early stopping
    encoding:  windows and relation candidates (eventcoder.training.encoding)
    model:     head sizes and dropout (eventcoder.training.model)
    training:  the optimisation loop (eventcoder.training.train)
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from .backbones import BackboneSpec
from .training.encoding import EncodingConfig
from .training.model import ModelConfig


@dataclass
class DataConfig:
    train: list[str] = field(default_factory=lambda: ["annotations/splits/train.jsonl"])
    dev: list[str] = field(default_factory=lambda: ["annotations/splits/dev.jsonl"])
    # partially annotated converted data (eventcoder annotations convert); trains the tagger only where the
    # source annotates, see GUIDELINES 6.7
    extra_train: list[str] = field(default_factory=list)


@dataclass
class TrainingConfig:
    output_dir: str = "runs/default"
    epochs: int = 10
    batch_size: int = 8
    gradient_accumulation_steps: int = 1
    learning_rate: float = 5e-5  # encoder
    head_learning_rate: float = 1e-3  # tag and relation heads, trained from scratch
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float = 1.0
    mixed_precision: str = "no"  # "no", "bf16" (GPU or CPU) or "fp16" (GPU only)
    freeze_word_embeddings: bool = False  # the 250k-piece table is most of a small encoder's parameters
    attention_dropout: float | None = None  # overrides the encoder's; 0 saves time on CPU
    seed: int = 13
    early_stopping_patience: int = 3  # evaluations without a better dev F1 before stopping
    evaluate_every_steps: int = 0  # 0: once per epoch
    checkpoint_every_steps: int = 200
    max_minutes: float | None = None  # wall-time budget; the best model so far is kept
    threads: int | None = None  # torch CPU threads; None leaves torch's default
    # PART_OF/SAME_AS thresholds tried on dev after training; the best (relation F1 + exact totals) is saved
    # with the model (model.count_link_threshold). Empty: keep the most likely class.
    count_link_thresholds: list[float] = field(default_factory=list)
    # then the bar for every other relation, with that count-link bar (model.relation_threshold); null in the
    # list stands for "the most likely class"
    relation_thresholds: list[float | None] = field(default_factory=list)


@dataclass
class Config:
    backbone: BackboneSpec = field(default_factory=BackboneSpec)
    data: DataConfig = field(default_factory=DataConfig)
    encoding: EncodingConfig = field(default_factory=EncodingConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)

    def as_dict(self) -> dict:
        return {**asdict(self), "backbone": self.backbone.to_config()}


def load_config(path: str | Path, overrides: dict | None = None) -> Config:
    """Read a YAML config; unknown sections or keys are errors that name the file and the key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: not valid YAML: {err}") from err
    for dotted, value in (overrides or {}).items():
        section, key = dotted.split(".", 1)
        raw.setdefault(section, {})[key] = value
    return config_from_dict(raw, str(path))


def config_from_dict(raw: dict, source: str = "<config>") -> Config:
    sections = {f.name: f for f in dataclasses.fields(Config)}
    unknown = set(raw) - set(sections)
    if unknown:
        raise ValueError(f"{source}: unknown section(s) {sorted(unknown)}; known: {sorted(sections)}")
    try:
        built = {"backbone": BackboneSpec.from_config(raw.get("backbone"))}
    except ValueError as err:
        raise ValueError(f"{source}: {err}") from err
    for name in sections:
        if name == "backbone":
            continue
        cls = typing.get_type_hints(Config)[name]
        values = raw.get(name) or {}
        known = {f.name for f in dataclasses.fields(cls)}
        bad = set(values) - known
        if bad:
            raise ValueError(f"{source}: section {name!r} has unknown key(s) {sorted(bad)}; known: {sorted(known)}")
        built[name] = cls(**values)
    return Config(**built)
