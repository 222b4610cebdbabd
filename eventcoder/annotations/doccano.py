"""doccano JSONL exports of sequence labelling, with relations or in the older span-list form.

    {"id": 7, "text": "...", "entities": [{"id": 1, "label": "KILLED", "start_offset": 9, "end_offset": 11}],
     "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "VICTIM"}], "lang": "en"}
    {"id": 8, "text": "...", "label": [[9, 11, "KILLED"]]}

Offsets are code points (doccano converts the browser's UTF-16 offsets). A doccano entity with id n becomes
entity `T<n>`; in the older form, where spans have no id, the n-th span is `T<n>`. `lang`, `date`, `source` and
`title` may come with the record (doccano exports the metadata a text was imported with); the `lang`
argument covers records without one. Any other non-empty field, a comment for one, is a problem.

doccano has no attribute per span, so a casualty span's value cannot be annotated there. It is read off the
span's text in the record's language with the guidelines' rules (section 3, `inference.numbers.stated_value`):
`at least 24` → 24, `two` → 2, `une vingtaine` → 20, `dozens` → null.
"""

from __future__ import annotations

import json
from typing import Any

from ..inference.numbers import stated_value
from ..schema import CASUALTY_LABELS, Document, Entity, Problem, Relation
from .collect import DocumentCollector, Origin, unrepresented_fields
from .paths import PathArgument, input_files

_FIELDS = ("id", "text", "entities", "relations", "label", "lang", "date", "source", "title")


def read_doccano(paths: PathArgument, problems: list[Problem] | None = None, *, lang: str | None = None
                 ) -> list[Document]:
    """Documents from doccano JSONL files (or the `.jsonl` files under folders). See ProblemSink for `problems`."""
    collector = DocumentCollector(problems)
    for path in input_files(paths, (".jsonl",)):
        with open(path, encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if line.strip():
                    collector.add(*_record_document(line, Origin(str(path), line=line_no), lang))
    return collector.documents


def _record_document(line: str, origin: Origin, lang: str | None
                     ) -> tuple[Document | None, Origin, list[Problem]]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return None, origin, [origin.problem(f"not valid JSON: {err.msg} (column {err.colno})")]
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None, origin, [origin.problem("expected a JSON object with a 'text' string")]
    if record.get("id") is not None:
        origin.doc_id = str(record["id"])
    messages = [f"field {key!r} cannot be represented in the scheme" for key in unrepresented_fields(record, _FIELDS)]
    doc_lang = record.get("lang") or lang
    # without a lang the document is refused below, so the values read in its place do not matter
    entities = _entities(record, doc_lang or "", messages)
    relations = _relations(_items(record.get("relations")), messages)
    if origin.doc_id is None:
        messages.append("the record has no 'id'")
    if not doc_lang:
        messages.append("no lang: the record has no 'lang' and no lang was given (--lang)")
    issues = [origin.problem(m) for m in messages]
    if origin.doc_id is None or not doc_lang:
        return None, origin, issues
    doc = Document(origin.doc_id, doc_lang, record["text"], entities, relations, record.get("date"),
                   record.get("source"), record.get("title"))
    return doc, origin, issues


def _entities(record: dict[str, Any], lang: str, messages: list[str]) -> list[Entity]:
    """The record's spans in whichever form it has; what cannot be read is added to `messages`."""
    spans, old_spans = _items(record.get("entities")), _items(record.get("label"))
    if spans and old_spans:
        messages.append("the record has both 'entities' and 'label'; a doccano export has one of them")
    entities: list[Entity] = []
    for n, span in enumerate(spans, 1):
        if isinstance(span, dict) and {"id", "label", "start_offset", "end_offset"} <= span.keys():
            entities.append(_entity(f"T{span['id']}", span["label"], span["start_offset"], span["end_offset"],
                                    record["text"], lang))
        else:
            messages.append(f"entity #{n} must be an object with id, label, start_offset and end_offset, "
                            f"got {span!r}")
    for n, span in enumerate(old_spans, 1):
        if isinstance(span, list) and len(span) == 3:
            entities.append(_entity(f"T{n}", span[2], span[0], span[1], record["text"], lang))
        else:
            messages.append(f"label #{n} must be [start, end, LABEL], got {span!r} (labels of a whole text, "
                            f"from text classification, cannot be represented)")
    return entities


def _items(value: Any) -> list[Any]:
    """A list field's items; a value that is no list is one (faulty) item, reported as such."""
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _entity(ent_id: str, label: Any, start: Any, end: Any, text: str, lang: str) -> Entity:
    if not (isinstance(start, int) and isinstance(end, int)):
        return Entity(ent_id, label, start, end, "")  # validation reports the offsets
    surface = text[start:end]
    return Entity(ent_id, label, start, end, surface, stated_value(surface, lang) if label in CASUALTY_LABELS else None)


def _relations(relations: list[Any], messages: list[str]) -> list[Relation]:
    out: list[Relation] = []
    for n, rel in enumerate(relations, 1):
        if isinstance(rel, dict) and {"from_id", "to_id", "type"} <= rel.keys():
            out.append(Relation(rel["type"], f"T{rel['from_id']}", f"T{rel['to_id']}"))
        else:
            messages.append(f"relation #{n} must be an object with from_id, to_id and type, got {rel!r}")
    return out
