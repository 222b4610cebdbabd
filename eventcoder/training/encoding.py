"""Documents → model inputs: sub-word BIO tags, overlapping windows, relation candidates.

Character spans are aligned to sub-words through the fast tokenizer's offset mapping, so nothing here
assumes spaces between words or any script. A report is tokenised once, whole, and the token sequence is cut
into windows of `window_length` tokens that overlap by `window_stride` tokens: nothing is truncated, and an
entity no longer than the overlap lies wholly inside at least one window. In a window that cuts an entity,
the cut entity's tokens are ignored by the loss (the neighbouring window holds it whole).

A span can start inside a sub-word: the tokenizer fuses an Arabic clitic (و, ب, ل, ف) with the letters after
it (`والقوات` → `▁والق` `وات`), and the guidelines (2.14) leave the clitic out of the span. Tags cover the whole
sub-word; each span's first sub-word also carries a *prefix target* — 1 where the span starts one letter into
it, 0 where it starts at its beginning — which the model's prefix head learns, and `decode_tags` uses to start
the span one letter later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Sequence

import numpy as np
import torch

from ..schema import CASUALTY_LABELS, ENTITY_LABELS, RELATION_LABELS, Document, allowed_relations, is_edge_character

TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{label}" for label in ENTITY_LABELS for p in ("B", "I"))
TAG_IDS = {tag: i for i, tag in enumerate(TAGS)}
LABEL_INDEX = {label: i for i, label in enumerate(ENTITY_LABELS)}
RELATION_CLASSES: tuple[str, ...] = ("none",) + RELATION_LABELS  # class 0: the pair is not related
IGNORE = -100


@dataclass(frozen=True)
class EncodingConfig:
    window_length: int = 256  # sub-words per window, special tokens included
    window_stride: int = 64  # sub-words shared by consecutive windows
    max_pair_distance: int = 200  # sub-words between two spans beyond which no relation is scored
    # the same for two counts (PART_OF, SAME_AS), which reach farther: a total and its breakdown or restatement
    # can be paragraphs apart, where actors, places and dates relate within a few sentences
    max_count_pair_distance: int = 400

    @cached_property  # read for every window and report; the config is frozen, so built once
    def pair_distance_limits(self) -> np.ndarray:
        """[head label, tail label] → the most sub-words between two spans that are scored as a pair, labels
        indexed as in ENTITY_LABELS."""
        is_count = np.array([label in CASUALTY_LABELS for label in ENTITY_LABELS])
        return np.where(is_count[:, None] & is_count[None, :], self.max_count_pair_distance, self.max_pair_distance)


@dataclass
class WindowSpan:
    """An entity wholly inside a window, in window token positions (end exclusive)."""

    entity_id: str
    label: str
    token_start: int
    token_end: int
    value: int | None = None  # a casualty count's figure (`Entity.value`); None for other labels and `dozens`


@dataclass
class Window:
    doc_id: str
    input_ids: list[int]
    char_offsets: list[tuple[int, int]]  # per token, into the document text; (0, 0) for special tokens
    tag_ids: list[int]  # IGNORE for special tokens and cut entities
    # per token: 1 / 0 on a span's first sub-word (the span starts one letter into it / at its start), else IGNORE
    prefix_targets: list[int] = field(default_factory=list)
    # Labels the document's source did not annotate: outside gold spans their tags stay possible (partial
    # annotation), so the loss marginalises over {O} ∪ {B-X, I-X : X open} instead of forcing O.
    open_labels: tuple[str, ...] = ()
    spans: list[WindowSpan] = field(default_factory=list)
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  # (head span, tail span, relation class)


@dataclass
class EncodingReport:
    """What alignment could not represent exactly; reported, never hidden."""

    entities: int = 0
    misaligned: list[tuple[str, str, str]] = field(default_factory=list)  # (doc id, entity id, text)
    entities_in_no_window: int = 0
    relations: int = 0
    relations_out_of_reach: int = 0  # in no window, or farther apart than the pair distance: never scored


@dataclass
class Batch:
    input_ids: torch.Tensor  # [B, T]
    attention_mask: torch.Tensor  # [B, T]
    allowed_tags: torch.Tensor | None = None  # [B, T, n_tags] bool; all False where the loss ignores a token
    spans: torch.Tensor | None = None  # [S, 3] (batch row, token start, token end)
    span_labels: torch.Tensor | None = None  # [S] index into ENTITY_LABELS
    pairs: torch.Tensor | None = None  # [P, 2] indices into spans (head, tail)
    pair_classes: torch.Tensor | None = None  # [P] index into RELATION_CLASSES (training only)
    span_values: torch.Tensor | None = None  # [S] float: each span's figure, NaN where it has none
    prefix_targets: torch.Tensor | None = None  # [B, T] long: Window.prefix_targets, IGNORE where padded

    def to(self, device) -> "Batch":
        return Batch(*(t.to(device) if isinstance(t, torch.Tensor) else t for t in
                       (self.input_ids, self.attention_mask, self.allowed_tags, self.spans, self.span_labels,
                        self.pairs, self.pair_classes, self.span_values, self.prefix_targets)))


def collate_windows(windows: Sequence[Window], pad_token_id: int) -> Batch:
    """Pad a list of windows to the longest one (dynamic padding) and flatten their spans and pairs."""
    length = max(len(w.input_ids) for w in windows)
    input_ids = torch.full((len(windows), length), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(windows), length), dtype=torch.long)
    allowed = torch.zeros((len(windows), length, len(TAGS)), dtype=torch.bool)
    prefix_targets = torch.full((len(windows), length), IGNORE, dtype=torch.long)
    spans, span_labels, span_values, pairs, pair_classes = [], [], [], [], []
    for row, w in enumerate(windows):
        n = len(w.input_ids)
        input_ids[row, :n] = torch.tensor(w.input_ids)
        attention_mask[row, :n] = 1
        prefix_targets[row, :n] = torch.tensor(w.prefix_targets)
        open_tags = [TAG_IDS[f"{p}-{label}"] for label in w.open_labels for p in ("B", "I")]
        for i, tag in enumerate(w.tag_ids):
            if tag == IGNORE:
                continue
            allowed[row, i, tag] = True
            if tag == TAG_IDS["O"] and open_tags:
                allowed[row, i, open_tags] = True
        base = len(spans)
        spans += [(row, s.token_start, s.token_end) for s in w.spans]
        span_labels += [LABEL_INDEX[s.label] for s in w.spans]
        span_values += [figure_or_nan(s.value) for s in w.spans]
        pairs += [(base + h, base + t) for h, t, _ in w.pairs]
        pair_classes += [c for _, _, c in w.pairs]
    as_long = lambda x, width: torch.tensor(x, dtype=torch.long).reshape(-1, width)  # noqa: E731
    return Batch(input_ids, attention_mask, allowed, as_long(spans, 3), as_long(span_labels, 1).squeeze(1),
                 as_long(pairs, 2), as_long(pair_classes, 1).squeeze(1), torch.tensor(span_values, dtype=torch.float),
                 prefix_targets)


def figure_or_nan(value: int | None) -> float:
    return float("nan") if value is None else float(value)


def encode_documents(documents: Iterable[Document], tokenizer, config: EncodingConfig,
                     report: EncodingReport | None = None) -> list[Window]:
    report = report if report is not None else EncodingReport()
    windows: list[Window] = []
    for doc in documents:
        windows.extend(encode_document(doc, tokenizer, config, report))
    return windows


def token_windows(n_tokens: int, config: EncodingConfig, n_special: int = 2) -> list[tuple[int, int]]:
    """[start, end) token ranges covering n_tokens with the configured length and overlap."""
    width = config.window_length - n_special
    if width <= config.window_stride:
        raise ValueError(f"window_length {config.window_length} leaves no room beyond window_stride "
                         f"{config.window_stride}")
    ranges, start = [], 0
    while True:
        end = min(start + width, n_tokens)
        ranges.append((start, end))
        if end >= n_tokens:
            return ranges
        start = end - config.window_stride


def tokenize_text(text: str, tokenizer) -> tuple[list[int], list[tuple[int, int]]]:
    """Sub-word ids and character offsets of the whole text, without special tokens.

    The whole report is tokenised on purpose (windows are cut afterwards), so the tokenizer's warning about
    sequences longer than the model's maximum does not apply and is silenced."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
    return list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]


def offset_arrays(offsets: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token start and end characters as arrays, built once per report for `entity_token_range`."""
    table = np.array(offsets, dtype=np.int64).reshape(-1, 2)
    return table[:, 0], table[:, 1]


def entity_token_range(token_starts: np.ndarray, token_ends: np.ndarray, start: int, end: int
                       ) -> tuple[int, int] | None:
    """Tokens whose characters overlap [start, end); None if none do. One array test, not a Python loop: the
    predictor asks it for every span of every report."""
    inside = np.flatnonzero((token_starts < end) & (start < token_ends))
    return (int(inside[0]), int(inside[-1]) + 1) if len(inside) else None


def encode_document(doc: Document, tokenizer, config: EncodingConfig, report: EncodingReport) -> list[Window]:
    ids, offsets = tokenize_text(doc.text, tokenizer)
    token_starts, token_ends = offset_arrays(offsets)
    token_tags = [TAG_IDS["O"]] * len(ids)
    token_prefixes = [IGNORE] * len(ids)
    ranges: dict[str, tuple[int, int]] = {}
    for ent in sorted(doc.entities, key=lambda e: e.start):
        report.entities += 1
        rng = entity_token_range(token_starts, token_ends, ent.start, ent.end)
        if rng is None:
            report.misaligned.append((doc.id, ent.id, ent.text))
            continue
        if offsets[rng[0]][0] < ent.start or offsets[rng[1] - 1][1] > ent.end:
            # a boundary inside a sub-word: the tags cover the whole sub-word (e.g. an Arabic clitic)
            report.misaligned.append((doc.id, ent.id, ent.text))
        ranges[ent.id] = rng
        token_prefixes[rng[0]] = _prefix_target(doc.text, offsets[rng[0]], ent.start)
        token_tags[rng[0]] = TAG_IDS[f"B-{ent.label}"]
        for i in range(rng[0] + 1, rng[1]):
            token_tags[i] = TAG_IDS[f"I-{ent.label}"]
    open_labels = () if doc.annotated_labels is None else tuple(
        label for label in ENTITY_LABELS if label not in doc.annotated_labels)
    gold = {(r.head, r.tail): RELATION_CLASSES.index(r.label) for r in doc.relations}
    report.relations += len(doc.relations)
    covered_entities: set[str] = set()
    covered_relations: set[tuple[str, str]] = set()
    labels = {e.id: e.label for e in doc.entities}
    values = {e.id: e.value for e in doc.entities}
    windows = []
    for w_start, w_end in token_windows(len(ids), config):
        tags = [IGNORE] + token_tags[w_start:w_end] + [IGNORE]
        prefixes = [IGNORE] + token_prefixes[w_start:w_end] + [IGNORE]
        spans: list[WindowSpan] = []
        for ent_id, (s, e) in ranges.items():
            if s >= w_start and e <= w_end:
                spans.append(WindowSpan(ent_id, labels[ent_id], s - w_start + 1, e - w_start + 1, values[ent_id]))
                covered_entities.add(ent_id)
            elif s < w_end and e > w_start:  # cut by the window edge: whole in a neighbouring window
                for i in range(max(s, w_start), min(e, w_end)):
                    tags[i - w_start + 1] = prefixes[i - w_start + 1] = IGNORE
        pairs = _candidate_pairs(spans, gold, config, partial=doc.annotated_labels is not None)
        covered_relations.update((spans[h].entity_id, spans[t].entity_id) for h, t, c in pairs if c)
        windows.append(Window(doc.id, [tokenizer.cls_token_id] + ids[w_start:w_end] + [tokenizer.sep_token_id],
                              [(0, 0)] + offsets[w_start:w_end] + [(0, 0)], tags, prefixes, open_labels, spans,
                              pairs))
    report.entities_in_no_window += sum(1 for e in doc.entities if e.id in ranges and e.id not in covered_entities)
    report.relations_out_of_reach += sum(1 for key in gold if key not in covered_relations)
    return windows


def _prefix_target(text: str, token_offsets: tuple[int, int], entity_start: int) -> int:
    """1 where the entity starts one letter into its first sub-word after a letter of that sub-word (a fused
    clitic), 0 where it starts where the sub-word's text does; IGNORE for other cuts (`(ISIS` loses its
    bracket in decode_tags anyway)."""
    start, end = token_offsets
    while start < end and text[start].isspace():  # the word-initial marker's offsets can include the space
        start += 1
    if entity_start == start:
        return 0
    if entity_start == start + 1 and text[start].isalpha():
        return 1
    return IGNORE


def _candidate_pairs(spans: list[WindowSpan], gold: dict[tuple[str, str], int], config: EncodingConfig,
                     partial: bool) -> list[tuple[int, int, int]]:
    """Ordered span pairs the schema allows within reach (`candidate_matrix`), labelled with their gold
    relation class (0 = none).

    In partially annotated documents a missing relation is not evidence of no relation, so only the gold
    pairs are kept there.
    """
    if not spans:
        return []
    candidate = candidate_matrix(np.array([s.token_start for s in spans]), np.array([s.token_end for s in spans]),
                                 np.array([LABEL_INDEX[s.label] for s in spans]), config)
    pairs = []
    for h, t in zip(*np.nonzero(candidate)):  # row-major: heads in order, tails in order within a head
        cls = gold.get((spans[h].entity_id, spans[t].entity_id), 0)
        if cls or not partial:
            pairs.append((int(h), int(t), cls))
    return pairs


_RELATABLE = np.array([[bool(allowed_relations(h, t)) for t in ENTITY_LABELS] for h in ENTITY_LABELS])


def candidate_matrix(starts: np.ndarray, ends: np.ndarray, labels: np.ndarray, config: EncodingConfig) -> np.ndarray:
    """[head, tail] → whether the pair is scored: the schema lets the two labels relate, and they are at most
    `config.pair_distance_limits` sub-words apart. Spans are token ranges [start, end) and label indices (as in
    ENTITY_LABELS); training and prediction both call this, so they score the same pairs."""
    gap = np.maximum(np.maximum(starts[None, :] - ends[:, None], starts[:, None] - ends[None, :]), 0)
    limits = config.pair_distance_limits[labels[:, None], labels[None, :]]
    candidate = _RELATABLE[labels[:, None], labels[None, :]] & (gap <= limits)
    np.fill_diagonal(candidate, False)
    return candidate


def decode_tags(tag_ids: Sequence[int], char_offsets: Sequence[tuple[int, int]], text: str, lang: str = "",
                split_prefix: Sequence[bool] | None = None) -> list[tuple[str, int, int]]:
    """Token tags → character spans (label, start, end), strict IOB2: an I- without its B- starts nothing.

    The span runs from its first token's first character to its last token's last character, trimmed of
    white space and punctuation that no span may begin or end with (guidelines 1): sentencepiece's
    word-initial marker can sit on a space, and a piece such as `27,` carries its comma into the span. Where
    `split_prefix` (the prefix head's call, per token) is true for the first token, the span starts one letter
    later: the clitic fused into that sub-word is not part of it.
    """
    spans: list[tuple[str, int, int, int]] = []  # label, start, end, first token
    current: list | None = None
    for i, (tag_id, (s, e)) in enumerate(zip(tag_ids, char_offsets)):
        tag = TAGS[tag_id] if tag_id >= 0 else "O"
        if s == e:  # special tokens carry no characters
            tag = "O"
        if tag.startswith("B-") or tag == "O" or (current and tag[2:] != current[0]) or (
                tag.startswith("I-") and current is None):
            if current:
                spans.append(tuple(current))
            current = [tag[2:], s, e, i] if tag.startswith("B-") else None
        else:
            current[2] = e
    if current:
        spans.append(tuple(current))
    out = []
    for label, s, e, first in spans:
        while s < e and is_edge_character(text[s], lang):
            s += 1
        trimmed = text[char_offsets[first][0]:s]
        if (split_prefix is not None and split_prefix[first] and not trimmed.strip()  # no punctuation trimmed
                and e - s > 1 and text[s].isalpha() and text[s + 1].isalpha()):
            s += 1
        # A full stop is no edge character (`U.S.`, `St.`), but after a figure it closes the sentence (`... 11.`)
        while e > s and (is_edge_character(text[e - 1], lang) or (text[e - 1] == "." and e - 2 >= s
                                                                 and text[e - 2].isdigit())):
            e -= 1
        if s < e:
            out.append((label, s, e))
    return out
