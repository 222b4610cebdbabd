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
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import torch

from ..schema import CASUALTY_LABELS, ENTITY_LABELS, Document, Entity, Relation, allowed_relations, resolve_counts
from ..training.encoding import (LABEL_INDEX, RELATION_CLASSES, TAGS, EncodingConfig, candidate_matrix,
                                 decode_tags, entity_token_range, figure_or_nan, offset_arrays, token_windows,
                                 tokenize_text)
from ..training.model import EventCoderModel, viterbi_decode
from .numbers import stated_value

_ALLOWED_CLASSES = {(h, t): torch.tensor([c == "none" or c in allowed_relations(h, t) for c in RELATION_CLASSES])
                    for h in ENTITY_LABELS for t in ENTITY_LABELS}
_COUNT_LINKS = torch.tensor([RELATION_CLASSES.index("PART_OF"), RELATION_CLASSES.index("SAME_AS")])
_PART_OF = RELATION_CLASSES.index("PART_OF")


@dataclass
class _Prepared:
    doc: Document
    ids: list[int]
    offsets: list[tuple[int, int]]
    windows: list[tuple[int, int]]  # token ranges
    hidden: list[torch.Tensor | None] = field(default_factory=list)  # per window [len, H]
    log_probs: list[torch.Tensor | None] = field(default_factory=list)  # per window [len, n_tags]
    split_prefix: list[torch.Tensor | None] = field(default_factory=list)  # per window [len] bool (prefix head)


def autocast_dtype(mixed_precision: str, device: torch.device) -> torch.dtype | None:
    """The dtype to autocast to: bf16 on GPU and on CPU (2.6x faster on CPUs with AVX512-BF16 or AMX, measured
    in the README), fp16 on GPU only (CPUs have no fast fp16 path), None for "no"."""
    if mixed_precision == "bf16":
        return torch.bfloat16
    if mixed_precision == "fp16" and device.type == "cuda":
        return torch.float16
    return None


def compiled_encoder(encoder: torch.nn.Module) -> Callable:
    """`encoder` compiled by TorchInductor for inference, for long batch runs: the first batch pays a one-off
    compilation (20-30 s for multilingual-e5-small on 2 CPU cores; a C++ compiler must be installed), after
    which each forward pass is 14-30 % faster on CPU (1-24 % end to end: benchmarks/README.md).

    `dynamic=True`: one graph serves every batch size and window length instead of one compilation each.
    Freezing folds the weights into the graph as constants (on CPU, pre-packed for the matrix kernels), so the
    compiled encoder must not be trained afterwards: the predictor owns it for inference only."""
    import torch._inductor.config as inductor_config

    inductor_config.freezing = True
    return torch.compile(encoder, dynamic=True)


class Predictor:
    def __init__(self, model: EventCoderModel, tokenizer, encoding: EncodingConfig, batch_size: int = 16,
                 device: str | torch.device | None = None, mixed_precision: str = "bf16", compile: bool = False):
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.encoding = encoding
        self.batch_size = batch_size
        self.autocast_dtype = autocast_dtype(mixed_precision, self.device)
        self.encoder = compiled_encoder(self.model.encoder) if compile else self.model.encoder

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

    def predict_stream(self, documents: Iterable[Document], chunk_size: int = 64,
                       on_error: Callable[[Document, Exception], None] | None = None) -> Iterator[Document]:
        """Predict an iterable of any length in chunks, so memory stays constant in the number of reports.

        With `on_error`, a chunk that raises is predicted again report by report, and a report that still raises
        goes to on_error(report, exception) instead of ending the stream.
        """
        chunk: list[Document] = []
        for doc in documents:
            chunk.append(doc)
            if len(chunk) == chunk_size:
                yield from self._predict_chunk(chunk, on_error)
                chunk = []
        if chunk:
            yield from self._predict_chunk(chunk, on_error)

    def _predict_chunk(self, chunk: list[Document], on_error: Callable[[Document, Exception], None] | None
                       ) -> list[Document]:
        if on_error is None:
            return self.predict(chunk)
        try:
            return self.predict(chunk)
        except Exception:  # noqa: BLE001 - one bad report must not take its chunk down: retry them one by one
            predicted = []
            for doc in chunk:
                try:
                    predicted += self.predict([doc])
                except Exception as err:  # noqa: BLE001 - handed to the caller, which records it
                    on_error(doc, err)
            return predicted

    # ------------------------------------------------------------------------------------------------ steps

    def _prepare(self, doc: Document) -> _Prepared:
        ids, offsets = tokenize_text(doc.text, self.tokenizer)
        windows = token_windows(len(ids), self.encoding)
        return _Prepared(doc, ids, offsets, windows, [None] * len(windows), [None] * len(windows),
                         [None] * len(windows))

    @torch.no_grad()  # not inference_mode: under it autocast does not keep its casts of the weights (below)
    def _run_encoder(self, prepared: list[_Prepared]) -> None:
        jobs = [(p, w) for p in prepared for w in range(len(p.windows))]
        jobs.sort(key=lambda job: job[0].windows[job[1]][1] - job[0].windows[job[1]][0])  # group by length
        cls_id, sep_id, pad_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        # One autocast region for all batches: autocast keeps its bf16 copies of the weights until the region
        # ends, so they are cast once per call instead of once per batch (the same copies, the same results;
        # 14 ms a batch for the 21M encoder weights of multilingual-e5-small on CPU).
        with self._autocast():
            for i in range(0, len(jobs), self.batch_size):
                chunk = jobs[i:i + self.batch_size]
                rows = [[cls_id] + p.ids[s:e] + [sep_id] for p, w in chunk for s, e in [p.windows[w]]]
                length = max(len(r) for r in rows)
                input_ids = torch.full((len(rows), length), pad_id, dtype=torch.long)
                mask = torch.zeros((len(rows), length), dtype=torch.long)
                for r, row in enumerate(rows):
                    input_ids[r, :len(row)] = torch.tensor(row)
                    mask[r, :len(row)] = 1
                hidden = self.encoder(input_ids=input_ids.to(self.device),
                                      attention_mask=mask.to(self.device)).last_hidden_state
                log_probs = self.model.tag_head(hidden).float().log_softmax(-1).cpu()  # one transfer per batch
                split_prefix = (self.model.prefix_head(hidden).argmax(-1).bool().cpu()
                                if self.model.prefix_head is not None else None)
                for r, (p, w) in enumerate(chunk):
                    n = len(rows[r])
                    p.hidden[w] = hidden[r, :n]
                    p.log_probs[w] = log_probs[r, 1:n - 1]  # without the special tokens
                    if split_prefix is not None:
                        p.split_prefix[w] = split_prefix[r, 1:n - 1]

    def _autocast(self):
        return torch.autocast(self.device.type, dtype=self.autocast_dtype, enabled=self.autocast_dtype is not None)

    def _assemble(self, p: _Prepared) -> Document:
        doc = p.doc
        n = len(p.ids)
        merged = np.zeros((n, len(TAGS)), dtype=np.float32)
        split_prefix = np.zeros(n, dtype=bool) if self.model.prefix_head is not None else None
        best_margin = np.full(n, -1)
        for w, (s, e) in enumerate(p.windows):
            positions = np.arange(s, e)
            margin = np.minimum(positions - s, e - 1 - positions)
            better = margin > best_margin[s:e]  # strictly: on a tie the earlier window keeps the token
            merged[positions[better]] = p.log_probs[w].numpy()[better]
            if split_prefix is not None:
                split_prefix[positions[better]] = p.split_prefix[w].numpy()[better]
            best_margin[positions[better]] = margin[better]
        path = viterbi_decode(merged)
        merged_t = torch.from_numpy(merged)
        token_starts, token_ends = offset_arrays(p.offsets)
        entities: list[Entity] = []
        token_ranges: list[tuple[int, int]] = []
        for label, start, end in decode_tags(path, p.offsets, doc.text, doc.lang, split_prefix):
            first, last = entity_token_range(token_starts, token_ends, start, end)
            tokens = list(range(first, last))
            score = float(merged_t[tokens, [path[i] for i in tokens]].exp().mean())
            text = doc.text[start:end]
            value = stated_value(text, doc.lang) if label in CASUALTY_LABELS else None
            entities.append(Entity(f"T{len(entities) + 1}", label, start, end, text, value, round(score, 4)))
            token_ranges.append((first, last))
        relations = self._relations(p, entities, token_ranges)
        return Document(doc.id, doc.lang, doc.text, entities, relations, doc.date, doc.source, doc.title)

    @torch.inference_mode()
    def _relations(self, p: _Prepared, entities: list[Entity], token_ranges: list[tuple[int, int]]) -> list[Relation]:
        by_window = candidate_pairs(p.windows, entities, token_ranges, self.encoding)
        relations: list[Relation] = []
        for w, pairs in by_window.items():
            w_start = p.windows[w][0]
            used = sorted({i for pair in pairs for i in pair})
            local = {ent: k for k, ent in enumerate(used)}
            spans = torch.tensor([(0, token_ranges[i][0] - w_start + 1, token_ranges[i][1] - w_start + 1) for i in used],
                                 device=self.device)
            labels = torch.tensor([LABEL_INDEX[entities[i].label] for i in used], device=self.device)
            values = torch.tensor([figure_or_nan(entities[i].value) for i in used], device=self.device)
            pair_idx = torch.tensor([(local[h], local[t]) for h, t in pairs], device=self.device)
            with self._autocast():
                logits = self.model.score_pairs(p.hidden[w].unsqueeze(0), spans, labels, pair_idx,
                                                values).float().cpu()
            allowed = torch.stack([_ALLOWED_CLASSES[(entities[h].label, entities[t].label)] for h, t in pairs])
            allowed[:, _PART_OF] &= _may_be_part_of(values[pair_idx[:, 0]], values[pair_idx[:, 1]]).cpu()
            probs = logits.masked_fill(~allowed, float("-inf")).softmax(-1)  # all pairs at once, row by row
            best_probs, best_classes = pair_classes(probs, self.model.config.count_link_threshold,
                                                    self.model.config.relation_threshold)
            for (h, t), cls, prob in zip(pairs, best_classes.tolist(), best_probs.tolist()):
                if cls:  # class 0: not related
                    relations.append(Relation(RELATION_CLASSES[cls], entities[h].id, entities[t].id, round(prob, 4)))
        return resolve_counts(entities, _one_total_per_count(relations), p.doc.lang)


def candidate_pairs(windows: list[tuple[int, int]], entities: list[Entity], token_ranges: list[tuple[int, int]],
                    encoding: EncodingConfig) -> dict[int, list[tuple[int, int]]]:
    """The ordered pairs (head, tail) of entities that training scores (`candidate_matrix`), grouped under the
    window that holds both with the most room around them (on a tie, the later window); in (head, tail) order,
    windows in order of their first pair. Array operations over all pairs at once: a report with a hundred
    spans has ten thousand pairs."""
    if len(entities) < 2:
        return {}
    starts = np.array([r[0] for r in token_ranges])
    ends = np.array([r[1] for r in token_ranges])
    labels = np.array([LABEL_INDEX[e.label] for e in entities])
    # row-major: heads in order, tails in order within a head
    heads, tails = np.nonzero(candidate_matrix(starts, ends, labels, encoding))
    first = np.minimum(starts[heads], starts[tails])
    last = np.maximum(ends[heads], ends[tails])
    best_room = np.full(len(heads), -1)
    best_window = np.full(len(heads), -1)
    for w, (s, e) in enumerate(windows):
        room = np.minimum(first - s, e - last)
        better = (s <= first) & (last <= e) & (room >= best_room)
        best_room[better] = room[better]
        best_window[better] = w
    by_window: dict[int, list[tuple[int, int]]] = {}
    for h, t, w in zip(heads.tolist(), tails.tolist(), best_window.tolist()):
        if w >= 0:
            by_window.setdefault(w, []).append((h, t))
    return by_window


def _may_be_part_of(parts: torch.Tensor, totals: torch.Tensor) -> torch.Tensor:
    """A breakdown is smaller than its total: where both figures are known, PART_OF needs part < total (all but
    4 of the corpus's 1,406 PART_OF links; those 4 have a part above its total, and none is equal). Figures as
    `figure_or_nan` gives them: a comparison with NaN (`dozens`, no figure) is false, so it forbids nothing."""
    return ~(parts >= totals)


def _one_total_per_count(relations: list[Relation]) -> list[Relation]:
    """Each count keeps its one most likely outgoing PART_OF or SAME_AS, and none that closes a loop.

    Annotated counts are the same people as one figure or part of one total, never two (the corpus has no
    count with two), and totals (rule 4.7) need the links to form a forest; pairs are scored independently, so
    a prediction can break both (`15 SAME_AS 40` and `40 SAME_AS 15`).
    """
    linked = {"PART_OF", "SAME_AS"}
    parent: dict[str, str] = {}
    for rel in sorted((r for r in relations if r.label in linked), key=lambda r: -(r.score or 0.0)):
        node = rel.tail
        while node in parent and node != rel.head:
            node = parent[node]
        if rel.head not in parent and node != rel.head:
            parent[rel.head] = rel.tail
    return [r for r in relations if r.label not in linked or parent.get(r.head) == r.tail]


def pair_classes(probs: torch.Tensor, count_link_threshold: float | None, relation_threshold: float | None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Each pair's class (0: none) and its probability, from class probabilities [P, n_classes]: PART_OF or
    SAME_AS where the likelier of the two reaches `count_link_threshold`; else the most likely class where
    that is none, or is another relation reaching `relation_threshold`; else none. A threshold of None leaves
    the choice to the most likely class, as training's loss does.

    Both bars are chosen on dev after training (train.py). Count links get a bar of their own because a missed
    one counts the same people twice in a report's totals."""
    best_probs, best_classes = probs.max(-1)
    is_link = torch.isin(best_classes, _COUNT_LINKS)
    if count_link_threshold is not None:
        link_probs, link = probs[:, _COUNT_LINKS].max(-1)
        take = link_probs >= count_link_threshold
        best_classes = torch.where(take, _COUNT_LINKS[link], torch.where(is_link, 0, best_classes))
        best_probs = torch.where(take, link_probs, best_probs)
        is_link = take
    if relation_threshold is not None:
        best_classes = torch.where(~is_link & (best_probs < relation_threshold), 0, best_classes)
    return best_probs, best_classes
