"""re3d (Dstl, ../shared/data/re3d) converted into native documents.

re3d annotates defence-and-security texts with a richer, overlapping type system. The mapping, decided for
an event dataset (GUIDELINES section 6.7 for partial annotation):

- `Location` → LOCATION when it is a named place (its first word, after a leading `the`, is capitalised);
  descriptions such as `west of Damascus` or `a military airport` are not places under rule 2.1, and where
  one nests a named place (`Damascus`) the name is kept.
- `Organisation` and `Nationality` → ACTOR only where the source says they take part in organised violence:
  they are an end of a `FightingAgainst` or `AlliesOf` relation in that document (and then every mention of
  the same name in it is an ACTOR, rule 2.8). Others (ministries, the UN, news agencies) are left out, and
  so are pronouns (`we`, `they`: anaphors, rule 2.13) and spans holding a count (`15 civilians`: rule 2.2
  wants the count apart, and re3d does not say whether they were harmed). Leading determiners, possessives
  and `members of` are trimmed (rules 2.1, 2.2).
- `Temporal` → DATE only in a sentence that reports violence (`mentions_violence`), the anchoring sense of
  the guidelines; dates of meetings and publications are left out.
- `FightingAgainst` → OPPOSES (head = re3d's source, the attacker); `AlliesOf` → ALLIED (head = the earlier
  mention). Relations whose ends did not become ACTORs are dropped and counted.
- Person, Weapon, Vehicle, MilitaryPlatform, Money, Quantity and the other types have no counterpart (weapons
  and platforms are never actors, rule 2.10; re3d's Quantity does not separate people harmed from other counts).

re3d marks every location but not every actor or date, so documents declare `annotated_labels: LOCATION`;
the ACTOR and DATE spans they carry are positive evidence only. Each decision is counted in the summary.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable

from ..schema import Document, Entity, Problem, ProblemSink, Relation, validate_document
from .public import ConversionSummary, mentions_violence

# used with .match, which anchors where it starts: determiners, possessives and `members of` (rules 2.1, 2.2)
_LEADING_ARTICLE = re.compile(r"(?:the|their|its|our|his|her|members of(?: the)?)\s+", re.IGNORECASE)
# anaphors are never tagged (rule 2.13); spans that hold a count break rule 2.2 and are left out whole
_PRONOUNS = {"we", "they", "us", "them", "ourselves", "themselves", "he", "she", "it", "i", "you", "members"}
_GENERIC_NOUNS = {"people", "persons", "others", "bodies"}  # never tagged (rule 2.12)
_COUNT_WORDS = re.compile(r"\d|\b(about|some|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|"
                          r"hundreds?|thousands?|several|many)\b", re.IGNORECASE)


def _read_mongo_lines(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_re3d(root: str | Path, problems: list[Problem] | None = None,
              progress: Callable[[int, int], None] | None = None) -> tuple[list[Document], ConversionSummary]:
    """Convert every sub-corpus under `root` (folders holding documents/entities/relations.json)."""
    sink = ProblemSink(problems)
    summary = ConversionSummary()
    folders = sorted(p.parent for p in Path(root).glob("*/documents.json"))
    if not folders:
        raise FileNotFoundError(f"{root}: no re3d sub-corpus (*/documents.json) found")
    raw: list[tuple[Path, dict, list[dict], list[dict]]] = []
    for folder in folders:
        ents, rels = defaultdict(list), defaultdict(list)
        for e in _read_mongo_lines(folder / "entities.json"):
            ents[e["documentId"]].append(e)
        for r in _read_mongo_lines(folder / "relations.json"):
            rels[r["documentId"]].append(r)
        raw += [(folder, d, ents[d["_id"]], rels[d["_id"]]) for d in _read_mongo_lines(folder / "documents.json")]
    docs: list[Document] = []
    for i, (folder, d, ents, rels) in enumerate(raw, 1):
        doc = _convert(folder.name, d, ents, rels, summary)
        located = [Problem(f.message, str(folder / "documents.json"), None, doc.id) for f in validate_document(doc)]
        if sink.extend(located):
            docs.append(doc)
            summary.documents += 1
        if progress:
            progress(i, len(raw))
    return docs, summary


def _convert(corpus: str, d: dict, ents: list[dict], rels: list[dict], summary: ConversionSummary) -> Document:
    text: str = d["text"]
    fighting_names = {r[side].strip().lower() for r in rels if r["type"] in ("FightingAgainst", "AlliesOf")
                      for side in ("source", "target")}
    candidates: list[tuple[int, int, int, str, str]] = []  # (priority, start, end, label, source type)
    for e in ents:
        if text[e["begin"]:e["end"]] != e["value"]:
            summary.dropped[f"{e['type']} (offsets do not match the text)"] += 1
            continue
        label = _label_for(e, text, fighting_names)
        if label is None:
            summary.dropped[f"{e['type']} (not an entity of the scheme)"] += 1
            continue
        start, end = _trim(text, e["begin"], e["end"])
        # keep relation ends and confident spans first, then actors over places (`Syria` that fights)
        priority = (label == "ACTOR") * 4 + e.get("confidence", 0) * 2 + (label == "LOCATION")
        candidates.append((priority, start, end, label, e["type"]))
    chosen: list[tuple[int, int, str]] = []
    for priority, start, end, label, kind in sorted(candidates, key=lambda c: (-c[0], c[2] - c[1])):
        if any(s < end and start < e for s, e, _ in chosen):
            summary.dropped[f"{kind} (overlaps a kept span)"] += 1
            continue
        chosen.append((start, end, label))
        summary.kept[f"{kind} -> {label}"] += 1
    chosen.sort()
    entities = [Entity(f"T{n}", label, s, e, text[s:e]) for n, (s, e, label) in enumerate(chosen, 1)]
    by_offsets = {(ent.start, ent.end): ent for ent in entities}
    relations: list[Relation] = []
    for r in rels:
        if r["type"] not in ("FightingAgainst", "AlliesOf"):
            summary.dropped[f"{r['type']} relation (no counterpart)"] += 1
            continue
        head = by_offsets.get(_trim(text, r["sourceBegin"], r["sourceEnd"]))
        tail = by_offsets.get(_trim(text, r["targetBegin"], r["targetEnd"]))
        if head is None or tail is None or head.label != "ACTOR" or tail.label != "ACTOR" or head is tail:
            summary.dropped[f"{r['type']} relation (an end is not an ACTOR)"] += 1
            continue
        if r["type"] == "AlliesOf" and tail.start < head.start:
            head, tail = tail, head
        rel = Relation("OPPOSES" if r["type"] == "FightingAgainst" else "ALLIED", head.id, tail.id)
        if all((x.label, x.head, x.tail) != (rel.label, rel.head, rel.tail) for x in relations):
            relations.append(rel)
            summary.kept[f"{r['type']} -> {rel.label}"] += 1
    return Document(f"re3d-{corpus}-{d['_id'][:10].lower()}", "en", text, entities, relations,
                    source=d.get("sourceName"), title=d.get("title"), annotated_labels=("LOCATION",))


def _label_for(e: dict, text: str, fighting_names: set[str]) -> str | None:
    kind, value = e["type"], e["value"]
    if kind == "Location":
        article = _LEADING_ARTICLE.match(value)
        name = value[article.end():] if article else value
        return "LOCATION" if name[:1].isupper() else None
    if kind in ("Organisation", "Nationality"):
        name = value.strip().lower()
        generic = name in _PRONOUNS or name.split()[-1] in _GENERIC_NOUNS
        acting = name in fighting_names and not generic and not _COUNT_WORDS.search(name)
        return "ACTOR" if acting else None
    if kind == "Temporal":
        return "DATE" if mentions_violence(_sentence_around(text, e["begin"], e["end"])) else None
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    return text[left:min(stops) if stops else len(text)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Minimal span (rule 2.1): no leading article, no surrounding white space or punctuation."""
    m = _LEADING_ARTICLE.match(text, start, end)
    if m and end - m.end() > 0:
        start = m.end()
    while start < end and (text[start].isspace() or text[start] in "\"'(,;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"'),;:."):
        end -= 1
    return start, end
