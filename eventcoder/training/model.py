"""The joint model: one encoder pass feeds a BIO tag head, a prefix head and a relation head.

    tokens ─► encoder ─► hidden ─┬─► tag_head ─► BIO logits ─► constrained Viterbi ─► spans
                                 ├─► prefix_head ─► does a span start one letter into its first sub-word?
                                 └─► span pooling ─► [h; t; h∘t; between; label(h); label(t); distance] ─► relation_head

The relation head scores ordered pairs of spans (gold spans in training, predicted spans at inference) that
the schema allows. A saved model is a directory: `model.safetensors` (all weights), the encoder's
`config.json`, the tokenizer files, and `eventcoder.json` (label maps, backbone reference, the configs it was
trained with) — loadable without the backbone that it started from.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from ..schema import ENTITY_LABELS
from .encoding import IGNORE, RELATION_CLASSES, TAGS, Batch

MODEL_FILE = "model.safetensors"
META_FILE = "eventcoder.json"
# token distance between two spans → bucket; finer where distances are short and most relations live
_DISTANCE_EDGES = (0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384)


@dataclass
class ModelConfig:
    dropout: float = 0.1
    relation_hidden: int = 256
    label_embedding_dim: int = 32
    distance_embedding_dim: int = 32
    relation_loss_weight: float = 1.0
    # Relation features from the two spans' figures (both known; part <, =, > total; their log ratio): a
    # breakdown is smaller than its total and restatements mostly repeat a figure, which sub-word vectors of
    # digits hardly show. Off for models saved before it existed.
    numeric_features: bool = False
    # PART_OF / SAME_AS are drawn where their probability reaches this, not only where they beat "none": a
    # missed link counts the same people twice in a report's totals. None: the most likely class. Chosen on
    # dev at the end of training (training.count_link_thresholds) and saved with the model.
    count_link_threshold: float | None = None
    # Other relations are drawn where their probability reaches this; None: where they are the most likely
    # class. Chosen on dev with the count-link bar (training.relation_thresholds).
    relation_threshold: float | None = None
    # A head that tells whether a span starts one letter into its first sub-word, where the tokenizer fused an
    # Arabic clitic into it (training/encoding.py). Off for models saved before it existed.
    prefix_head: bool = False
    prefix_loss_weight: float = 1.0


@dataclass
class Output:
    loss: torch.Tensor | None
    tag_logits: torch.Tensor
    relation_logits: torch.Tensor | None
    tag_loss: torch.Tensor | None = None
    relation_loss: torch.Tensor | None = None
    prefix_logits: torch.Tensor | None = None
    prefix_loss: torch.Tensor | None = None


def distance_bucket(distance: torch.Tensor) -> torch.Tensor:
    edges = torch.tensor(_DISTANCE_EDGES, device=distance.device)
    return torch.bucketize(distance.abs(), edges, right=True) - 1 + (distance < 0) * len(_DISTANCE_EDGES)


class EventCoderModel(nn.Module):
    def __init__(self, encoder: nn.Module, config: ModelConfig | None = None, meta: dict | None = None):
        super().__init__()
        self.config = config or ModelConfig()
        self.meta = meta or {}  # backbone reference and training configs, saved alongside the weights
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(self.config.dropout)
        self.tag_head = nn.Linear(hidden, len(TAGS))
        self.prefix_head = nn.Linear(hidden, 2) if self.config.prefix_head else None
        self.label_embedding = nn.Embedding(len(ENTITY_LABELS), self.config.label_embedding_dim)
        self.distance_embedding = nn.Embedding(2 * len(_DISTANCE_EDGES), self.config.distance_embedding_dim)
        pair_dim = (4 * hidden + 2 * self.config.label_embedding_dim + self.config.distance_embedding_dim
                    + (NUMERIC_PAIR_FEATURES if self.config.numeric_features else 0))
        self.relation_head = nn.Sequential(nn.Linear(pair_dim, self.config.relation_hidden), nn.GELU(),
                                           nn.Dropout(self.config.dropout),
                                           nn.Linear(self.config.relation_hidden, len(RELATION_CLASSES)))

    def forward(self, batch: Batch) -> Output:
        hidden = self.encoder(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
        hidden = self.dropout(hidden)
        tag_logits = self.tag_head(hidden)
        relation_logits = None
        if batch.pairs is not None and batch.pairs.numel():
            relation_logits = self.score_pairs(hidden, batch.spans, batch.span_labels, batch.pairs, batch.span_values)
        prefix_logits = self.prefix_head(hidden) if self.prefix_head is not None else None
        tag_loss = relation_loss = prefix_loss = loss = None
        if batch.allowed_tags is not None:
            tag_loss = _partial_label_loss(tag_logits, batch.allowed_tags)
            loss = tag_loss
            if relation_logits is not None and batch.pair_classes is not None:
                relation_loss = nn.functional.cross_entropy(relation_logits.float(), batch.pair_classes)
                loss = loss + self.config.relation_loss_weight * relation_loss
            if prefix_logits is not None and batch.prefix_targets is not None and (batch.prefix_targets >= 0).any():
                prefix_loss = nn.functional.cross_entropy(prefix_logits.float().flatten(0, 1),
                                                          batch.prefix_targets.flatten(), ignore_index=IGNORE)
                loss = loss + self.config.prefix_loss_weight * prefix_loss
        return Output(loss, tag_logits, relation_logits, tag_loss, relation_loss, prefix_logits, prefix_loss)

    def score_pairs(self, hidden: torch.Tensor, spans: torch.Tensor, span_labels: torch.Tensor,
                    pairs: torch.Tensor, span_values: torch.Tensor | None = None) -> torch.Tensor:
        """Relation logits for `pairs` of `spans` (rows of [window, first token, end token]); `span_values`,
        each span's figure or NaN, feeds the numeric features where the config has them.

        Besides the two spans, the words between them (`killed by`, `in`, `clashed with`) are pooled: most
        relations are stated there, as in SpERT's context feature.
        """
        prefix = torch.nn.functional.pad(hidden.float().cumsum(1), (0, 0, 1, 0))  # [B, T+1, H]: sums by prefix
        pooled = _mean_pool_spans(prefix, spans).to(hidden.dtype)
        head, tail = pairs[:, 0], pairs[:, 1]
        head_first = spans[head, 2] <= spans[tail, 1]
        # signed gap in tokens: positive when the head comes first
        gap = torch.where(head_first, spans[tail, 1] - spans[head, 2], -(spans[head, 1] - spans[tail, 2]).clamp(min=0))
        left_end = torch.where(head_first, spans[head, 2], spans[tail, 2])
        right_start = torch.maximum(torch.where(head_first, spans[tail, 1], spans[head, 1]), left_end)
        between = _mean_pool_spans(prefix, torch.stack([spans[head, 0], left_end, right_start], -1)).to(hidden.dtype)
        features = torch.cat([pooled[head], pooled[tail], pooled[head] * pooled[tail], between,
                              self.label_embedding(span_labels[head]), self.label_embedding(span_labels[tail]),
                              self.distance_embedding(distance_bucket(gap))], dim=-1)
        if self.config.numeric_features:
            if span_values is None:
                span_values = torch.full((len(spans),), float("nan"), device=spans.device)
            features = torch.cat([features, numeric_pair_features(span_values, pairs).to(features.dtype)], dim=-1)
        return self.relation_head(features)

    # ------------------------------------------------------------------------------------------ persistence

    def save_pretrained(self, directory: str | Path, tokenizer=None) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous().cpu() for k, v in self.state_dict().items()}
        save_file(state, directory / MODEL_FILE)
        self.encoder.config.save_pretrained(directory)
        if tokenizer is not None:
            tokenizer.save_pretrained(directory)
        meta = {"tags": list(TAGS), "relation_classes": list(RELATION_CLASSES), "model": asdict(self.config),
                **self.meta}
        (directory / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        return directory

    @classmethod
    def from_pretrained(cls, directory: str | Path, device: str | torch.device = "cpu") -> "EventCoderModel":
        from transformers import AutoConfig, AutoModel

        directory = Path(directory)
        if not (directory / MODEL_FILE).exists() or not (directory / META_FILE).exists():
            raise FileNotFoundError(f"{directory} is not an eventcoder model (no {MODEL_FILE} / {META_FILE})")
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if meta.get("tags") != list(TAGS) or meta.get("relation_classes") != list(RELATION_CLASSES):
            raise ValueError(f"{directory} was trained with other labels ({meta.get('tags')}); this eventcoder "
                             f"uses {list(TAGS)}")
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(directory), add_pooling_layer=False)
        extra = {k: v for k, v in meta.items() if k not in ("tags", "relation_classes", "model")}
        model = cls(encoder, ModelConfig(**meta["model"]), extra)
        # safetensors knows "cpu" but not "cpu:0", the device a rank of a multi-CPU run is given
        device = torch.device(device)
        model.load_state_dict(load_file(directory / MODEL_FILE, device="cpu" if device.type == "cpu" else str(device)))
        return model.to(device).eval()


NUMERIC_PAIR_FEATURES = 5


def numeric_pair_features(values: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
    """[P, 5] for (head, tail) pairs over span figures `values` (NaN: none): both known; head < tail; head =
    tail; head > tail; log10 of tail/head clipped to ±3 and scaled to ±1. All zero unless both are known."""
    head, tail = values[pairs[:, 0]].float(), values[pairs[:, 1]].float()
    known = ~(head.isnan() | tail.isnan())
    head, tail = head.nan_to_num(0.0), tail.nan_to_num(0.0)
    ratio = ((torch.log10(tail + 1) - torch.log10(head + 1)).clamp(-3, 3) / 3) * known
    comparisons = torch.stack([known, known & (head < tail), known & (head == tail), known & (head > tail)], -1)
    return torch.cat([comparisons.float(), ratio.unsqueeze(-1)], -1)


def _bio_transitions() -> torch.Tensor:
    """allowed[i, j]: tag j may follow tag i (an I-X only after B-X or I-X)."""
    allowed = torch.ones(len(TAGS), len(TAGS), dtype=torch.bool)
    for j, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            for i, prev in enumerate(TAGS):
                allowed[i, j] = prev[2:] == tag[2:] and prev != "O"
    return allowed


_TRANSITION_PENALTY = ((~_bio_transitions()).float() * -1e4).numpy()
_START_PENALTY = np.array([-1e4 if t.startswith("I-") else 0.0 for t in TAGS], dtype=np.float32)


def viterbi_decode(log_probs: torch.Tensor | np.ndarray) -> list[int]:
    """The best tag sequence for one sequence of per-token log-probabilities [T, n_tags] under BIO
    constraints, so that decoding never yields an I-X without its B-X.

    In NumPy, float32, first maximum on ties: a step costs about 3 µs against 9 µs through torch's per-call
    overhead, and the predictor runs it once per report over every token.
    """
    if isinstance(log_probs, torch.Tensor):
        log_probs = log_probs.detach().float().cpu().numpy()
    n = log_probs.shape[0]
    if n == 0:
        return []
    columns = np.arange(len(TAGS))
    score = log_probs[0] + _START_PENALTY
    back = np.empty((n - 1, len(TAGS)), dtype=np.int64)
    for i in range(1, n):
        candidates = score[:, None] + _TRANSITION_PENALTY  # [previous tag, tag]
        back[i - 1] = best = candidates.argmax(0)
        score = candidates[best, columns] + log_probs[i]
    path = [int(score.argmax())]
    for i in range(n - 2, -1, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def _partial_label_loss(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """−log Σ_{allowed} p(tag): cross-entropy where one tag is allowed, the marginal where several are
    (labels the source did not annotate), and nothing where none is (ignored tokens)."""
    logits = logits.float()
    counted = allowed.any(-1)
    if not counted.any():
        return logits.sum() * 0.0
    log_z = logits.logsumexp(-1)
    log_allowed = logits.masked_fill(~allowed, float("-inf")).logsumexp(-1)
    return (log_z - log_allowed)[counted].mean()


def _mean_pool_spans(prefix: torch.Tensor, spans: torch.Tensor) -> torch.Tensor:
    """Mean of each span's token vectors from prefix sums [B, T+1, H] (no Python loop over spans); an empty
    span pools to zeros."""
    rows, starts, ends = spans[:, 0], spans[:, 1], spans[:, 2]
    total = prefix[rows, ends] - prefix[rows, starts]
    return total / (ends - starts).clamp(min=1).unsqueeze(-1)
