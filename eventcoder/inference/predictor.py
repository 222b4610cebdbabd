"""A trained model applied to reports of any length: spans and relations with character offsets and scores.

Each report is tokenised once and cut into the same overlapping windows as in training. Windows from many
reports are batched by length (little padding) and run through the encoder once; every token then takes its
tag scores from the window in which it sits farthest from an edge (most context on both sides), and one
constrained Viterbi pass over the whole report turns them into spans — so a span is never cut or duplicated
where windows meet. Relations are scored for the allowed pairs of predicted spans, in a window holding both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import torch

from ..schema import CASUALTY_LABELS, ENTITY_LABELS, Document, Entity, Relation, allowed_relations
from ..training.encoding import (RELATION_CLASSES, TAGS, EncodingConfig, decode_tags, entity_token_range,
                                 token_windows, tokenize_text)
from ..training.model import EventCoderModel, viterbi_decode
from .numbers import stated_value

_ALLOWED_CLASSES = {(h, t): torch.tensor([c == "none" or c in allowed_relations(h, t) for c in RELATION_CLASSES])
                    for h in ENTITY_LABELS for t in ENTITY_LABELS}


@dataclass
class _Prepared:
    doc: Document
    ids: list[int]
    offsets: list[tuple[int, int]]
    windows: list[tuple[int, int]]  # token ranges
    hidden: list[torch.Tensor | None] = field(default_factory=list)  # per window [len, H]
    log_probs: list[torch.Tensor | None] = field(default_factory=list)  # per window [len, n_tags]


class Predictor:
    def __init__(self, model: EventCoderModel, tokenizer, encoding: EncodingConfig, batch_size: int = 16,
                 device: str | torch.device | None = None, mixed_precision: str = "bf16"):
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.encoding = encoding
        self.batch_size = batch_size
        use_amp = self.device.type == "cuda" and mixed_precision in ("bf16", "fp16")
        self.autocast_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(mixed_precision) if use_amp else None

    @classmethod
    def from_pretrained(cls, directory: str | Path, **kwargs) -> "Predictor":
        from transformers import AutoTokenizer

        model = EventCoderModel.from_pretrained(directory)
        encoding = EncodingConfig(**model.meta.get("config", {}).get("encoding", {}))
        return cls(model, AutoTokenizer.from_pretrained(directory), encoding, **kwargs)

    def predict(self, documents: Sequence[Document]) -> list[Document]:
        """Predicted copies of `documents` (their gold entities and relations, if any, are not looked at)."""
        prepared = [self._prepare(doc) for doc in documents]
        self._run_encoder(prepared)
        return [self._assemble(p) for p in prepared]

    def predict_stream(self, documents, chunk_size: int = 64) -> Iterator[Document]:
        """Predict an iterable of any length in chunks, so memory stays constant in the number of reports."""
        chunk: list[Document] = []
        for doc in documents:
            chunk.append(doc)
            if len(chunk) == chunk_size:
                yield from self.predict(chunk)
                chunk = []
        if chunk:
            yield from self.predict(chunk)

    # ------------------------------------------------------------------------------------------------ steps

    def _prepare(self, doc: Document) -> _Prepared:
        ids, offsets = tokenize_text(doc.text, self.tokenizer)
        windows = token_windows(len(ids), self.encoding)
        return _Prepared(doc, ids, offsets, windows, [None] * len(windows), [None] * len(windows))

    @torch.inference_mode()
    def _run_encoder(self, prepared: list[_Prepared]) -> None:
        jobs = [(p, w) for p in prepared for w in range(len(p.windows))]
        jobs.sort(key=lambda job: job[0].windows[job[1]][1] - job[0].windows[job[1]][0])  # group by length
        cls_id, sep_id, pad_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        for i in range(0, len(jobs), self.batch_size):
            chunk = jobs[i:i + self.batch_size]
            rows = [[cls_id] + p.ids[s:e] + [sep_id] for p, w in chunk for s, e in [p.windows[w]]]
            length = max(len(r) for r in rows)
            input_ids = torch.full((len(rows), length), pad_id, dtype=torch.long)
            mask = torch.zeros((len(rows), length), dtype=torch.long)
            for r, row in enumerate(rows):
                input_ids[r, :len(row)] = torch.tensor(row)
                mask[r, :len(row)] = 1
            with torch.autocast(self.device.type, dtype=self.autocast_dtype, enabled=self.autocast_dtype is not None):
                hidden = self.model.encoder(input_ids=input_ids.to(self.device),
                                            attention_mask=mask.to(self.device)).last_hidden_state
                log_probs = self.model.tag_head(hidden).float().log_softmax(-1)
            for r, (p, w) in enumerate(chunk):
                n = len(rows[r])
                p.hidden[w] = hidden[r, :n]
                p.log_probs[w] = log_probs[r, 1:n - 1].cpu()  # without the special tokens

    def _assemble(self, p: _Prepared) -> Document:
        doc = p.doc
        n = len(p.ids)
        merged = torch.zeros((n, len(TAGS)))
        best_margin = [-1] * n
        for w, (s, e) in enumerate(p.windows):
            for i in range(s, e):
                margin = min(i - s, e - 1 - i)
                if margin > best_margin[i]:
                    best_margin[i] = margin
                    merged[i] = p.log_probs[w][i - s]
        path = viterbi_decode(merged)
        entities: list[Entity] = []
        token_ranges: list[tuple[int, int]] = []
        for label, start, end in decode_tags(path, p.offsets, doc.text):
            first, last = entity_token_range(p.offsets, start, end)
            tokens = list(range(first, last))
            score = float(merged[tokens, [path[i] for i in tokens]].exp().mean())
            text = doc.text[start:end]
            value = stated_value(text, doc.lang) if label in CASUALTY_LABELS else None
            entities.append(Entity(f"T{len(entities) + 1}", label, start, end, text, value, round(score, 4)))
            token_ranges.append((first, last))
        relations = self._relations(p, entities, token_ranges)
        return Document(doc.id, doc.lang, doc.text, entities, relations, doc.date, doc.source, doc.title)

    @torch.inference_mode()
    def _relations(self, p: _Prepared, entities: list[Entity], token_ranges: list[tuple[int, int]]) -> list[Relation]:
        by_window: dict[int, list[tuple[int, int]]] = {}
        for h, head in enumerate(entities):
            for t, tail in enumerate(entities):
                if h == t or not allowed_relations(head.label, tail.label):
                    continue
                (hs, he), (ts, te) = token_ranges[h], token_ranges[t]
                if max(ts - he, hs - te, 0) > self.encoding.max_pair_distance:
                    continue
                window = self._window_holding(p.windows, min(hs, ts), max(he, te))
                if window is not None:
                    by_window.setdefault(window, []).append((h, t))
        relations: list[Relation] = []
        for w, pairs in by_window.items():
            w_start = p.windows[w][0]
            used = sorted({i for pair in pairs for i in pair})
            local = {ent: k for k, ent in enumerate(used)}
            spans = torch.tensor([(0, token_ranges[i][0] - w_start + 1, token_ranges[i][1] - w_start + 1) for i in used],
                                 device=self.device)
            labels = torch.tensor([ENTITY_LABELS.index(entities[i].label) for i in used], device=self.device)
            pair_idx = torch.tensor([(local[h], local[t]) for h, t in pairs], device=self.device)
            with torch.autocast(self.device.type, dtype=self.autocast_dtype, enabled=self.autocast_dtype is not None):
                logits = self.model.score_pairs(p.hidden[w].unsqueeze(0), spans, labels, pair_idx).float().cpu()
            for (h, t), row in zip(pairs, logits):
                allowed = _ALLOWED_CLASSES[(entities[h].label, entities[t].label)]
                probs = row.masked_fill(~allowed, float("-inf")).softmax(-1)
                cls = int(probs.argmax())
                if cls:
                    relations.append(Relation(RELATION_CLASSES[cls], entities[h].id, entities[t].id,
                                              round(float(probs[cls]), 4)))
        return relations

    @staticmethod
    def _window_holding(windows: list[tuple[int, int]], start: int, end: int) -> int | None:
        """The window holding tokens [start, end) with the most room around them, if any holds them."""
        holding = [(min(start - s, e - end), w) for w, (s, e) in enumerate(windows) if s <= start and end <= e]
        return max(holding)[1] if holding else None
