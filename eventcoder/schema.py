"""The labelling scheme (annotations/GUIDELINES.md, scheme v1.1) as types and one validation routine.

Every reader, converter, metric and writer goes through the types here; `validate_document` is the single
place that decides whether a document follows the scheme, so that a rule is enforced the same way for a
hand-written draft, a Label Studio export and a model's prediction.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

ENTITY_LABELS: tuple[str, ...] = ("ACTOR", "LOCATION", "DATE", "KILLED", "INJURED", "CAPTURED")
CASUALTY_LABELS: tuple[str, ...] = ("KILLED", "INJURED", "CAPTURED")


@dataclass(frozen=True)
class RelationSignature:
    heads: frozenset[str]
    tails: frozenset[str]
    same_label: bool = False  # PART_OF and SAME_AS join counts of one kind only

    def allows(self, head_label: str, tail_label: str) -> bool:
        if head_label not in self.heads or tail_label not in self.tails:
            return False
        return not self.same_label or head_label == tail_label


_CASUALTY = frozenset(CASUALTY_LABELS)
_ACTOR = frozenset({"ACTOR"})

# Guidelines section 4: label -> which entity labels may stand at the head and the tail.
RELATION_SIGNATURES: dict[str, RelationSignature] = {
    "VICTIM": RelationSignature(_CASUALTY, _ACTOR),
    "PERPETRATOR": RelationSignature(_CASUALTY, _ACTOR),
    "PLACE": RelationSignature(_CASUALTY | _ACTOR, frozenset({"LOCATION"})),
    "TIME": RelationSignature(_CASUALTY, frozenset({"DATE"})),
    "PART_OF": RelationSignature(_CASUALTY, _CASUALTY, same_label=True),
    "SAME_AS": RelationSignature(_CASUALTY, _CASUALTY, same_label=True),
    "OPPOSES": RelationSignature(_ACTOR, _ACTOR),
    "ALLIED": RelationSignature(_ACTOR, _ACTOR),
}
RELATION_LABELS: tuple[str, ...] = tuple(RELATION_SIGNATURES)


def allowed_relations(head_label: str, tail_label: str) -> list[str]:
    """Relation labels the scheme allows from an entity of `head_label` to one of `tail_label`."""
    return [name for name, sig in RELATION_SIGNATURES.items() if sig.allows(head_label, tail_label)]


@dataclass
class Entity:
    id: str
    label: str
    start: int
    end: int
    text: str
    value: int | None = None  # casualty labels only: the integer the expression states, or None
    score: float | None = None  # set on predictions, never on gold annotations


@dataclass
class Relation:
    label: str
    head: str
    tail: str
    score: float | None = None


@dataclass
class Document:
    id: str
    lang: str
    text: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    date: str | None = None
    source: str | None = None
    title: str | None = None
    # Converted public data annotates only some labels (CAMEO: ACTOR, GermEval: LOCATION). None means every
    # label was annotated; otherwise text outside these labels' spans is "unknown", not "no entity".
    annotated_labels: tuple[str, ...] | None = None

    def entity(self, entity_id: str) -> Entity:
        for ent in self.entities:
            if ent.id == entity_id:
                return ent
        raise KeyError(f"document {self.id!r} has no entity {entity_id!r}")

    def sorted(self) -> "Document":
        """The canonical form: entities in text order (writers emit this; round trips compare it)."""
        ents = sorted(self.entities, key=lambda e: (e.start, e.end))
        return Document(self.id, self.lang, self.text, ents, list(self.relations), self.date, self.source,
                        self.title, self.annotated_labels)


# ---------------------------------------------------------------------------------------------- validation

@dataclass(frozen=True)
class Problem:
    """One way in which an input breaks the scheme, located as precisely as the reader can."""

    message: str
    source: str | None = None  # file path
    line: int | None = None
    doc_id: str | None = None

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        doc = f" document {self.doc_id!r}:" if self.doc_id else ""
        return f"{where}:{doc} {self.message}"


class AnnotationError(ValueError):
    """Raised by a reader for invalid input; carries every problem found (at least one)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        super().__init__(f"{self.problems[0]}{more}")


class ProblemSink:
    """Where a reader reports problems: raise at the first one (default) or collect them all.

    Readers take `problems: list[Problem] | None`. With None the first problem raises AnnotationError;
    with a list, problems are appended, the offending document is left out of the result, and reading
    goes on, so that `annotations validate` can list every error of a corpus in one run.
    """

    def __init__(self, collected: list[Problem] | None):
        self.collected = collected

    def add(self, problem: Problem) -> None:
        if self.collected is None:
            raise AnnotationError([problem])
        self.collected.append(problem)

    def extend(self, problems: Iterable[Problem]) -> bool:
        """Report all `problems`; True when there were none."""
        problems = list(problems)
        if problems and self.collected is None:
            raise AnnotationError(problems)
        if self.collected is not None:
            self.collected.extend(problems)
        return not problems


@dataclass(frozen=True)
class Finding:
    """A validation finding about one document, pointing at the entity or relation at fault so that a
    reader can turn it into a file line."""

    message: str
    entity_id: str | None = None
    relation_index: int | None = None


_LANG = re.compile(r"^[a-z]{2}$")
# Characters a span may not begin or end with (guidelines 1: no surrounding white space or punctuation).
# Full stops are allowed at the end (`U.S.`, `Gen.`) and apostrophes inside names (`Hay’et`).
_EDGE_PUNCT = set(",;:!?\"'’‘“”„«»()[]{}<>،؛-–—/…")


# Languages whose orthography writes letters with an apostrophe (Hausa `'yan` for ƴan): there it is no punctuation.
_APOSTROPHE_LETTERS = {"ha": "'’ʼ"}


def is_edge_character(ch: str, lang: str) -> bool:
    """Whether a span may not begin or end with `ch` in `lang` (white space, punctuation; guidelines 1)."""
    if ch in _APOSTROPHE_LETTERS.get(lang, ""):
        return False
    return ch.isspace() or ch in _EDGE_PUNCT or unicodedata.category(ch) in ("Zs", "Cc", "Cf")


def validate_document(doc: Document, *, gold: bool = True) -> list[Finding]:
    """Every way `doc` breaks the scheme; an empty list when it follows it.

    `gold=False` checks a prediction: scores are then allowed and the span-edge rule is not applied.
    """
    found: list[Finding] = []
    if not isinstance(doc.id, str) or not doc.id.strip():
        found.append(Finding("id must be a non-empty string"))
    if not isinstance(doc.lang, str) or not _LANG.match(doc.lang):
        found.append(Finding(f"lang {doc.lang!r} is not an ISO 639-1 code (two lower-case letters)"))
    if not isinstance(doc.text, str) or not doc.text.strip():
        found.append(Finding("text is missing or empty"))
        return found
    if doc.date is not None and not _is_iso_date(doc.date):
        found.append(Finding(f"date {doc.date!r} is not ISO 8601 (YYYY-MM-DD)"))
    if doc.annotated_labels is not None:
        for label in doc.annotated_labels:
            if label not in ENTITY_LABELS:
                found.append(Finding(f"annotated_labels names unknown label {label!r}"))

    ids: dict[str, Entity] = {}
    for ent in doc.entities:
        found.extend(_entity_findings(ent, doc.text, doc.lang, gold))
        if ent.id in ids:
            found.append(Finding(f"duplicate entity id {ent.id!r}", ent.id))
        ids[ent.id] = ent
    spans = sorted((e for e in doc.entities if isinstance(e.start, int) and isinstance(e.end, int)),
                   key=lambda e: (e.start, e.end))
    for prev, cur in zip(spans, spans[1:]):
        if cur.start < prev.end:
            found.append(Finding(f"entity {cur.id} [{cur.start}:{cur.end}] {cur.text!r} overlaps entity {prev.id} "
                                 f"[{prev.start}:{prev.end}] {prev.text!r}", cur.id))

    seen: set[tuple[str, str, str]] = set()
    for i, rel in enumerate(doc.relations):
        found.extend(_relation_findings(i, rel, ids, gold))
        key = (rel.label, rel.head, rel.tail)
        if key in seen:
            found.append(Finding(f"relation {rel.head} {rel.label} {rel.tail} is given twice", relation_index=i))
        seen.add(key)
    found.extend(_cycle_findings(doc))
    if gold and not found:
        found.extend(_counted_mention_findings(doc))
    return found


def _is_iso_date(value: str) -> bool:
    try:
        _dt.date.fromisoformat(value[:10])
        if len(value) > 10:
            _dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _entity_findings(ent: Entity, text: str, lang: str, gold: bool) -> list[Finding]:
    out: list[Finding] = []
    name = f"entity {ent.id}"
    if not isinstance(ent.id, str) or not ent.id:
        out.append(Finding("an entity has no id", ent.id))
    if ent.label not in ENTITY_LABELS:
        out.append(Finding(f"{name} has unknown label {ent.label!r} (known: {', '.join(ENTITY_LABELS)})", ent.id))
    if not (isinstance(ent.start, int) and isinstance(ent.end, int)) or isinstance(ent.start, bool):
        out.append(Finding(f"{name} offsets must be integers, got {ent.start!r}..{ent.end!r}", ent.id))
        return out
    if not 0 <= ent.start < ent.end <= len(text):
        out.append(Finding(f"{name} offsets [{ent.start}:{ent.end}] are outside the text (length {len(text)}) "
                           f"or empty", ent.id))
        return out
    actual = text[ent.start:ent.end]
    if actual != ent.text:
        out.append(Finding(f"{name} text {ent.text!r} does not match the text at [{ent.start}:{ent.end}], "
                           f"which is {actual!r}", ent.id))
    elif gold and (is_edge_character(actual[0], lang) or is_edge_character(actual[-1], lang)):
        out.append(Finding(f"{name} {actual!r} starts or ends with white space or punctuation", ent.id))
    if ent.label in CASUALTY_LABELS:
        if ent.value is not None and (not isinstance(ent.value, int) or isinstance(ent.value, bool)
                                      or ent.value < 0):
            out.append(Finding(f"{name} value must be a non-negative integer or null, got {ent.value!r}", ent.id))
    elif ent.label in ENTITY_LABELS and ent.value is not None:
        out.append(Finding(f"{name} is {ent.label}, which carries no value (got {ent.value!r})", ent.id))
    if gold and ent.score is not None:
        out.append(Finding(f"{name} has a score; gold annotations carry none", ent.id))
    return out


def _relation_findings(i: int, rel: Relation, ids: dict[str, Entity], gold: bool) -> list[Finding]:
    out: list[Finding] = []
    desc = f"relation {rel.head} {rel.label} {rel.tail}"
    sig = RELATION_SIGNATURES.get(rel.label)
    if sig is None:
        out.append(Finding(f"{desc} has unknown label {rel.label!r} (known: {', '.join(RELATION_LABELS)})",
                           relation_index=i))
    for role, ref in (("head", rel.head), ("tail", rel.tail)):
        if ref not in ids:
            out.append(Finding(f"{desc}: {role} {ref!r} is not an entity of this document", relation_index=i))
    if rel.head == rel.tail:
        out.append(Finding(f"{desc} joins an entity to itself", relation_index=i))
    if sig is not None and rel.head in ids and rel.tail in ids:
        h, t = ids[rel.head].label, ids[rel.tail].label
        # an unknown entity label is reported once, on the entity, not again on each of its relations
        if h in ENTITY_LABELS and t in ENTITY_LABELS and not sig.allows(h, t):
            allowed = ", ".join(allowed_relations(h, t)) or "none"
            out.append(Finding(f"{desc}: {rel.label} cannot go from {h} to {t} (allowed here: {allowed})",
                               relation_index=i))
    if gold and rel.score is not None:
        out.append(Finding(f"{desc} has a score; gold annotations carry none", relation_index=i))
    return out


def _cycle_findings(doc: Document) -> list[Finding]:
    """PART_OF and SAME_AS must not loop: totals (rule 4.7) follow these links."""
    edges: dict[str, list[str]] = {}
    for rel in doc.relations:
        if rel.label in ("PART_OF", "SAME_AS"):
            edges.setdefault(rel.head, []).append(rel.tail)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str) -> str | None:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                return nxt
            if state.get(nxt) is None and (hit := visit(nxt)):
                return hit
        state[node] = 2
        return None

    for start in list(edges):
        if state.get(start) is None and (hit := visit(start)):
            return [Finding(f"PART_OF/SAME_AS relations form a loop through entity {hit}", hit)]
    return []


def same_as_groups(entities: Iterable[Entity], relations: Iterable[Relation]) -> list[list[Entity]]:
    """Mentions of the same people: the connected groups of SAME_AS (two or more mentions each, text order)."""
    by_id = {e.id: e for e in entities}
    parent = {eid: eid for eid in by_id}

    def root(eid: str) -> str:
        while parent[eid] != eid:
            parent[eid] = parent[parent[eid]]
            eid = parent[eid]
        return eid

    for rel in relations:
        if rel.label == "SAME_AS" and rel.head in by_id and rel.tail in by_id:
            parent[root(rel.head)] = root(rel.tail)
    groups: dict[str, list[Entity]] = {}
    for eid in by_id:
        groups.setdefault(root(eid), []).append(by_id[eid])
    return [sorted(g, key=lambda e: e.start) for g in groups.values() if len(g) > 1]


def counted_mention(mentions: Sequence[Entity], lang: str) -> Entity:
    """The mention that is counted among mentions of the same people (rule 4.4, decision 6.14).

    The most precise figure first: a bare figure (`32`, `a`, `two dozen`) before one with an approximator or a
    range (`at least 38`, `une trentaine`, `up to 100`), before a vague quantity (`dozens`); among competing
    figures of that tier the lowest, the conservative estimate; between equal figures the first in the text.
    """
    from .inference.numbers import normalize  # the reader of approximators lives with inference

    def rank(ent: Entity) -> tuple[int, int, int]:
        est = normalize(ent.text, lang)
        bare = est.low is not None and est.low == est.best == est.high
        tier = 0 if bare and ent.value is not None else 1 if ent.value is not None else 2
        return tier, ent.value or 0, ent.start

    return min(mentions, key=rank)


def resolve_counts(entities: Sequence[Entity], relations: Sequence[Relation], lang: str) -> list[Relation]:
    """`relations` with each SAME_AS group drawn as a star into its counted mention and PART_OF moved onto the
    counted mentions at both ends (rule 4.4): the shape gold annotations have, and that totals and events read.

    The counted mention is the one rule 4.4 picks from the group (`counted_mention`), whatever the direction
    of the predicted links: a model tells which mentions are the same people far better than which way their
    links point (`at least 19` SAME_AS `dozens`). A valid gold report keeps its relations.
    """
    by_id = {e.id: e for e in entities}
    relations = [r for r in relations if r.head in by_id and r.tail in by_id]
    counted: dict[str, str] = {}
    for group in same_as_groups(entities, relations):
        chosen = counted_mention(group, lang)
        counted.update((e.id, chosen.id) for e in group)
    same_as_scores = {(r.head, r.tail): r.score for r in relations if r.label == "SAME_AS"}
    resolved: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for rel in relations:
        if rel.label == "SAME_AS":
            continue  # redrawn below, from each member to its counted mention
        if rel.label == "PART_OF":
            rel = Relation("PART_OF", counted.get(rel.head, rel.head), counted.get(rel.tail, rel.tail), rel.score)
            if rel.head == rel.tail:
                continue
        if (rel.label, rel.head, rel.tail) not in seen:
            seen.add((rel.label, rel.head, rel.tail))
            resolved.append(rel)
    resolved += [Relation("SAME_AS", member, target, same_as_scores.get((member, target)))
                 for member, target in counted.items() if member != target]
    return resolved


def _counted_mention_findings(doc: Document) -> list[Finding]:
    """SAME_AS points from every other mention to the counted one, and PART_OF attaches to it (rule 4.4)."""
    out: list[Finding] = []
    for group in same_as_groups(doc.entities, doc.relations):
        counted = counted_mention(group, doc.lang)
        others = {e.id for e in group if e is not counted}
        linked = {r.head for r in doc.relations if r.label == "SAME_AS" and r.tail == counted.id}
        for i, rel in enumerate(doc.relations):
            if rel.label == "SAME_AS" and rel.head in others | {counted.id} and rel.tail != counted.id:
                out.append(Finding(f"relation {rel.head} SAME_AS {rel.tail}: the counted mention of this group is "
                                   f"{counted.id} {counted.text!r} (rule 4.4, decision 6.14), so SAME_AS must point "
                                   f"to it", relation_index=i))
            elif rel.label == "PART_OF" and (rel.head in others or rel.tail in others):
                out.append(Finding(f"relation {rel.head} PART_OF {rel.tail}: PART_OF attaches to the counted mention "
                                   f"{counted.id} {counted.text!r}, not to {rel.head if rel.head in others else rel.tail}",
                                   relation_index=i))
        for eid in sorted(others - linked):
            out.append(Finding(f"entity {eid} is a mention of the same people as {counted.id} {counted.text!r} "
                               f"and needs SAME_AS to it (rule 4.4)", eid))
    return out


# ---------------------------------------------------------------------------------------------- totals

def casualty_totals(entities: Iterable[Entity], relations: Iterable[Relation]) -> dict[str, int]:
    """A report's total per casualty label, by guidelines rule 4.7.

    The total sums est(c) over the mentions c that have no outgoing PART_OF or SAME_AS; est(c) is c's value,
    or where that is null the sum of est(p) over the mentions p that are PART_OF c. A stated total wins over
    its breakdown, so the parts of a valued count are never added on top of it.
    """
    entities = list(entities)
    by_id = {e.id: e for e in entities}
    has_out: set[str] = set()
    parts: dict[str, list[str]] = {}
    for rel in relations:
        if rel.label in ("PART_OF", "SAME_AS") and rel.head in by_id and rel.tail in by_id:
            has_out.add(rel.head)
            if rel.label == "PART_OF":
                parts.setdefault(rel.tail, []).append(rel.head)

    def est(entity_id: str, path: frozenset[str]) -> int:
        ent = by_id[entity_id]
        if ent.value is not None:
            return ent.value
        return sum(est(p, path | {entity_id}) for p in parts.get(entity_id, ()) if p not in path)

    totals = {label: 0 for label in CASUALTY_LABELS}
    for ent in entities:
        if ent.label in CASUALTY_LABELS and ent.id not in has_out:
            totals[ent.label] += est(ent.id, frozenset())
    return totals


# ---------------------------------------------------------------------------------------------- inference values

@dataclass(frozen=True)
class Estimate:
    """A casualty count as bounds and a best figure (eventcoder.inference.numbers); None where the text gives none."""

    low: int | None
    best: int | None
    high: int | None


@dataclass(frozen=True)
class ResolvedDate:
    """A DATE span as a calendar day (eventcoder.inference.dates).

    `iso` is YYYY-MM-DD or None; `exact` is False where the day is a fallback or stands for a longer period;
    `note` says how the day was found.
    """

    iso: str | None
    exact: bool
    note: str


# ---------------------------------------------------------------------------------------------- events

@dataclass(frozen=True)
class CasualtyCount:
    """One casualty label's figure in an event (eventcoder.inference.events).

    `stated` is rule 4.7 over the event's top-level counts, so that the events of a report add up to its
    `casualty_totals`; `estimate` is the analysts' low/best/high read from the same mentions; `mentions` are the
    counted mentions of those top-level counts, in text order.
    """

    stated: int
    estimate: Estimate
    mentions: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class EventActor:
    """A party to an event; mentions of the same string (case-folded) are one actor."""

    name: str  # the text of its first mention
    role: str | None  # "perpetrator", "victim", or None (it fights at the event's place or against its parties)
    side: str | None  # "A" (the attackers'), "B" (the opposing or attacked side), None (no armed side: civilians)
    mentions: tuple[Entity, ...]


@dataclass(frozen=True)
class VictimCount:
    """The casualties one group of victims suffered in an event (rule 4.7 per label)."""

    actors: tuple[str, ...]  # the victims a count names: several where one count covers several groups
    stated: dict[str, int]  # casualty label -> figure, for the labels counted


@dataclass
class Event:
    """Who fought whom, where, when, with what casualties: assembled from one report's spans and relations."""

    id: str  # f"{report_id}-e{n}", n in text order
    report_id: str
    date: ResolvedDate
    date_mention: Entity | None  # None: dated to the report date (date.exact is then False)
    location: Entity | None
    actors: list[EventActor]
    casualties: dict[str, CasualtyCount]  # every casualty label, in CASUALTY_LABELS order
    by_victim: list[VictimCount]
    confidence: float  # 1.0 for gold annotations; the mean score of the spans and relations it rests on
    evidence: list[tuple[int, int]]  # sorted character spans of every mention it rests on
