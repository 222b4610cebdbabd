"""The native format: JSON Lines, one report per line (guidelines section 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..schema import (CASUALTY_LABELS, Document, Entity, Problem, ProblemSink, Relation, validate_document)

_DOC_KEYS = {"id", "lang", "text", "entities", "relations", "date", "source", "title", "annotated_labels"}
_ENTITY_KEYS = {"id", "label", "start", "end", "text", "value", "score"}
_RELATION_KEYS = {"label", "head", "tail", "score"}


def document_from_dict(obj: Any) -> tuple[Document | None, list[str]]:
    """Build a Document from one parsed JSON object; structural problems come back as messages.

    Field presence is checked here (the dataclass cannot tell a missing casualty `value` from null);
    everything else is left to `validate_document`.
    """
    if not isinstance(obj, dict):
        return None, [f"expected a JSON object, got {type(obj).__name__}"]
    problems = [f"unknown field {k!r}" for k in obj if k not in _DOC_KEYS]
    for key in ("id", "lang", "text"):
        if key not in obj:
            problems.append(f"missing field {key!r}")
    ents, rels = obj.get("entities", []), obj.get("relations", [])
    if not isinstance(ents, list) or not isinstance(rels, list):
        return None, problems + ["'entities' and 'relations' must be lists"]
    entities: list[Entity] = []
    for i, e in enumerate(ents):
        if not isinstance(e, dict) or not {"id", "label", "start", "end", "text"} <= e.keys():
            problems.append(f"entity #{i + 1} must be an object with id, label, start, end and text")
            continue
        problems += [f"entity {e['id']}: unknown field {k!r}" for k in e if k not in _ENTITY_KEYS]
        if e["label"] in CASUALTY_LABELS and "value" not in e:
            problems.append(f"entity {e['id']} is {e['label']} but has no 'value' (use null when the text "
                            f"states no number)")
        entities.append(Entity(e["id"], e["label"], e["start"], e["end"], e["text"], e.get("value"),
                               e.get("score")))
    relations: list[Relation] = []
    for i, r in enumerate(rels):
        if not isinstance(r, dict) or not {"label", "head", "tail"} <= r.keys():
            problems.append(f"relation #{i + 1} must be an object with label, head and tail")
            continue
        problems += [f"relation #{i + 1}: unknown field {k!r}" for k in r if k not in _RELATION_KEYS]
        relations.append(Relation(r["label"], r["head"], r["tail"], r.get("score")))
    labels = obj.get("annotated_labels")
    doc = Document(obj.get("id", ""), obj.get("lang", ""), obj.get("text", ""), entities, relations,
                   obj.get("date"), obj.get("source"), obj.get("title"),
                   tuple(labels) if isinstance(labels, list) else labels)
    return doc, problems


def document_to_dict(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {"id": doc.id, "lang": doc.lang}
    for key in ("date", "source", "title"):
        if getattr(doc, key) is not None:
            out[key] = getattr(doc, key)
    if doc.annotated_labels is not None:
        out["annotated_labels"] = list(doc.annotated_labels)
    out["text"] = doc.text
    out["entities"] = [_entity_to_dict(e) for e in sorted(doc.entities, key=lambda e: (e.start, e.end))]
    out["relations"] = [_drop_none({"label": r.label, "head": r.head, "tail": r.tail, "score": r.score})
                        for r in doc.relations]
    return out


def _entity_to_dict(e: Entity) -> dict[str, Any]:
    d: dict[str, Any] = {"id": e.id, "label": e.label, "start": e.start, "end": e.end, "text": e.text}
    if e.label in CASUALTY_LABELS:
        d["value"] = e.value
    if e.score is not None:
        d["score"] = e.score
    return d


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def iter_jsonl(path: str | Path, problems: list[Problem] | None = None, *, gold: bool = True
               ) -> Iterator[Document]:
    """Stream the valid documents of a JSONL file; see ProblemSink for what happens to invalid ones."""
    sink = ProblemSink(problems)
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                sink.add(Problem(f"not valid JSON: {err.msg} (column {err.colno})", str(path), line_no))
                continue
            doc, messages = document_from_dict(obj)
            doc_id = obj.get("id") if isinstance(obj, dict) else None
            found = messages + ([f.message for f in validate_document(doc, gold=gold)] if doc else [])
            if doc is not None and doc.id in seen:
                found.append(f"duplicate document id (first on line {seen[doc.id]})")
            if not sink.extend(Problem(m, str(path), line_no, doc_id) for m in found):
                continue
            seen[doc.id] = line_no
            yield doc


def read_jsonl(path: str | Path, problems: list[Problem] | None = None, *, gold: bool = True) -> list[Document]:
    return list(iter_jsonl(path, problems, gold=gold))


def write_jsonl(documents: Iterable[Document], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in documents:
            fh.write(json.dumps(document_to_dict(doc), ensure_ascii=False) + "\n")
            n += 1
    return n
