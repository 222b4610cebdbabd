"""brat standoff: per document a `.txt` holding the report and a `.ann` holding its annotations.

    T1	KILLED 412 423	at least 24
    R1	VICTIM Arg1:T1 Arg2:T2
    #1	AnnotatorNotes T1	value=24

Offsets are code points into the `.txt` read as UTF-8 with its line ends untouched. brat cuts a span that
crosses a line break into fragments (`T3	ACTOR 10 16;17 22	regime forces`); fragments that only line
breaks separate are one span, read and written that way. Any other discontinuous span is a problem, as is
every kind of annotation the scheme lacks (events, attributes, normalisations, equivalences). A casualty
entity's value is an AnnotatorNotes line, `value=N` or `value=null`; brat has no place for scores, so
write_brat leaves them out.

eventcoder adds a sidecar `<stem>.meta` of `key: value` lines: id, lang, date, source, title,
annotated_labels (comma separated) and entity_ids. brat wants entity ids of the form T<n>; write_brat gives
other ids such a name and records the original ones in `entity_ids` (a JSON object, brat id → id) so that
reading restores them. Without a `.meta` the id is the file stem and the language is the `lang` argument.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..schema import CASUALTY_LABELS, Document, Entity, Problem, Relation
from .collect import DocumentCollector, Origin
from .paths import PathArgument, file_stem, input_files

_SUFFIXES = (".txt", ".ann", ".meta")
_META_KEYS = ("id", "lang", "date", "source", "title", "annotated_labels", "entity_ids")
_BRAT_ENTITY_ID = re.compile(r"T\d+")
_TEXT_BOUND = re.compile(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
_RELATION = re.compile(r"(R\d+)\t(\S+) Arg1:(\S+) Arg2:(\S+)\t?")
_NOTE = re.compile(r"#\d+\tAnnotatorNotes (\S+)\t(.*)")
_VALUE_NOTE = re.compile(r"value=(\d+|null)")
_LINE_BREAKS = "\r\n"
_UNSUPPORTED = {"E": "event", "A": "attribute", "M": "attribute", "N": "normalisation", "*": "equivalence"}


class _LineError(Exception):
    """An .ann line that cannot be read into the scheme."""


# ---------------------------------------------------------------------------------------------- reading

def read_brat(paths: PathArgument, problems: list[Problem] | None = None, lang: str | None = None
              ) -> list[Document]:
    """Documents from brat files: `.txt`, `.ann` or `.meta` files name their document, folders are searched.

    `lang` is the language of documents whose `.meta` gives none. See ProblemSink for `problems`.
    """
    collector = DocumentCollector(problems)
    stems = sorted({p.parent / p.stem for p in input_files(paths, _SUFFIXES)})
    for stem in stems:
        collector.add(*_read_document(stem, lang))
    return collector.documents


def _sibling(stem: Path, suffix: str) -> Path:
    return stem.parent / (stem.name + suffix)  # not with_suffix: a stem may hold dots of its own


def _read_document(stem: Path, lang: str | None) -> tuple[Document | None, Origin, list[Problem]]:
    txt, ann, meta_path = (_sibling(stem, s) for s in _SUFFIXES)
    origin = Origin(str(ann), stem.name)
    missing = [p for p in (txt, ann) if not p.exists()]
    if missing:
        return None, origin, [origin.problem(f"{p.name} is missing: brat keeps a .txt and a .ann per document "
                                             f"(the .ann empty when nothing is annotated)") for p in missing]
    meta = _read_meta(meta_path)
    origin.doc_id = meta.values.get("id", stem.name)
    with open(txt, encoding="utf-8", newline="") as fh:
        text = fh.read()
    entities, relations, issues = _parse_ann(ann.read_text(encoding="utf-8"), text, origin)
    _restore_ids(entities, relations, origin, meta.entity_ids)
    issues = meta.problems(origin.doc_id) + issues
    doc_lang = meta.values.get("lang") or lang
    if not doc_lang:
        issues.append(origin.problem(f"no lang: there is no 'lang:' line in {meta_path.name} and no lang was "
                                     f"given (--lang)"))
        return None, origin, issues
    doc = Document(origin.doc_id, doc_lang, text, entities, relations, meta.values.get("date"),
                   meta.values.get("source"), meta.values.get("title"), meta.annotated_labels)
    return doc, origin, issues


@dataclass
class _Meta:
    """A document's `.meta` file as read (empty when there is none), and what was wrong with it."""

    path: Path
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, int]] = field(default_factory=list)  # (message, line)
    annotated_labels: tuple[str, ...] | None = None
    entity_ids: dict[str, str] = field(default_factory=dict)

    def problems(self, doc_id: str) -> list[Problem]:
        return [Problem(message, str(self.path), line, doc_id) for message, line in self.errors]


def _read_meta(path: Path) -> _Meta:
    meta = _Meta(path)
    if not path.exists():
        return meta
    # split("\n"), not splitlines(): a title may hold characters such as U+2028 that splitlines() breaks at
    for line_no, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in _META_KEYS:
            meta.errors.append((f"lines are 'key: value' with key one of {', '.join(_META_KEYS)}; got {line!r}",
                                line_no))
        elif key in meta.values:
            meta.errors.append((f"{key!r} is given twice (first on line {meta.lines[key]})", line_no))
        else:
            meta.values[key], meta.lines[key] = value.strip(), line_no
    if "annotated_labels" in meta.values:
        meta.annotated_labels = tuple(x.strip() for x in meta.values["annotated_labels"].split(",") if x.strip())
    if "entity_ids" in meta.values:
        meta.entity_ids = _parse_entity_ids(meta)
    return meta


def _parse_entity_ids(meta: _Meta) -> dict[str, str]:
    try:
        ids = json.loads(meta.values["entity_ids"])
    except json.JSONDecodeError:
        ids = None
    if not isinstance(ids, dict) or not all(isinstance(v, str) for v in ids.values()):
        meta.errors.append(("entity_ids must be a JSON object mapping brat ids to entity ids",
                            meta.lines["entity_ids"]))
        return {}
    return ids


def _parse_ann(content: str, text: str, origin: Origin) -> tuple[list[Entity], list[Relation], list[Problem]]:
    """Entities and relations of an .ann file, recording their lines in `origin`."""
    entities: list[Entity] = []
    relations: list[Relation] = []
    notes: dict[str, list[tuple[int, int | None]]] = {}  # brat entity id -> (line, value) of each value note
    issues: list[Problem] = []
    for line_no, line in enumerate(content.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            if line.startswith("T"):
                entities.append(_text_bound(line, text))
                origin.entity_lines.setdefault(entities[-1].id, line_no)
            elif line.startswith("R"):
                relations.append(_relation(line))
                origin.relation_lines.append(line_no)
            elif line.startswith("#"):
                target, value = _value_note(line)
                notes.setdefault(target, []).append((line_no, value))
            else:
                kind = _UNSUPPORTED.get(line[0], "unknown")
                raise _LineError(f"brat {kind} annotations cannot be represented in the scheme: {line!r}")
        except _LineError as err:
            issues.append(origin.problem(str(err), line_no))
    issues += _apply_values(entities, notes, origin)
    return entities, relations, issues


def _text_bound(line: str, text: str) -> Entity:
    m = _TEXT_BOUND.fullmatch(line)
    if not m:
        raise _LineError(f"expected 'T<n>\\tLABEL START END\\tTEXT', got {line!r}")
    ent_id, label, offsets, ann_text = m.groups()
    fragments = [tuple(map(int, f.split())) for f in offsets.split(";")]
    for (_, end), (start, _) in zip(fragments, fragments[1:]):
        gap = text[end:start]
        if not gap or gap.strip(_LINE_BREAKS):
            raise _LineError(f"entity {ent_id} {ann_text!r} is discontinuous ({offsets}); the scheme's spans "
                             f"are contiguous")
    start, end = fragments[0][0], fragments[-1][1]
    # brat joins fragments with a space in the .ann; the entity's text is the .txt's, line breaks included.
    # A text that does not match is kept as written, for validation to report.
    matches = ann_text == " ".join(text[s:e] for s, e in fragments)
    return Entity(ent_id, label, start, end, text[start:end] if matches else ann_text)


def _relation(line: str) -> Relation:
    m = _RELATION.fullmatch(line)
    if not m:
        raise _LineError(f"expected 'R<n>\\tLABEL Arg1:T<n> Arg2:T<n>', got {line!r}")
    return Relation(m[2], m[3], m[4])


def _value_note(line: str) -> tuple[str, int | None]:
    m = _NOTE.fullmatch(line)
    if not m:
        raise _LineError(f"expected '#<n>\\tAnnotatorNotes T<n>\\tvalue=N', got {line!r}")
    value = _VALUE_NOTE.fullmatch(m[2].strip())
    if not value:
        raise _LineError(f"the note on {m[1]} is {m[2]!r}; notes hold a casualty value, 'value=N' or 'value=null'")
    return m[1], None if value[1] == "null" else int(value[1])


def _apply_values(entities: list[Entity], notes: dict[str, list[tuple[int, int | None]]], origin: Origin
                  ) -> list[Problem]:
    issues: list[Problem] = []
    by_id = {e.id: e for e in entities}
    for target, found in notes.items():
        line_no, value = found[0]
        if len(found) > 1:
            issues.append(origin.problem(f"{target} has {len(found)} value notes (also on line "
                                         f"{found[1][0]}); keep one", line_no))
        if target not in by_id:
            issues.append(origin.problem(f"value note on {target}, which is not a text-bound annotation", line_no))
        else:
            by_id[target].value = value
    for ent in entities:
        if ent.label in CASUALTY_LABELS and ent.id not in notes:
            issues.append(origin.problem(f"entity {ent.id} is {ent.label} but has no value note (add "
                                         f"'#<n>\\tAnnotatorNotes {ent.id}\\tvalue=N', or value=null when the "
                                         f"text states no number)", origin.entity_lines[ent.id]))
    return issues


def _restore_ids(entities: list[Entity], relations: list[Relation], origin: Origin, ids: dict[str, str]) -> None:
    """Give entities back the ids write_brat had to replace (brat ids without an entry keep theirs)."""
    for ent in entities:
        if ent.id in ids:
            line = origin.entity_lines.pop(ent.id, None)  # None for a brat id given twice, moved already
            if line is not None:
                origin.entity_lines[ids[ent.id]] = line
            ent.id = ids[ent.id]
    for rel in relations:
        rel.head, rel.tail = ids.get(rel.head, rel.head), ids.get(rel.tail, rel.tail)


# ---------------------------------------------------------------------------------------------- writing

def write_brat(documents: Iterable[Document], folder: str | Path) -> list[Path]:
    """Write `.txt`, `.ann` and `.meta` per document into `folder`; return the files written."""
    folder = Path(folder)
    documents = list(documents)
    stems = _unique_stems(documents)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for doc, stem in zip(documents, stems):
        brat_ids = _brat_ids(doc.entities)
        txt, ann, meta = (folder / (stem + s) for s in _SUFFIXES)
        with open(txt, "w", encoding="utf-8", newline="") as fh:
            fh.write(doc.text)
        ann.write_text(_render_ann(doc, brat_ids), encoding="utf-8")
        meta.write_text(_render_meta(doc, brat_ids), encoding="utf-8")
        written += [txt, ann, meta]
    return written


def _unique_stems(documents: list[Document]) -> list[str]:
    owners: dict[str, str] = {}
    for doc in documents:
        stem = file_stem(doc.id)
        if stem in owners:
            raise ValueError(f"documents {owners[stem]!r} and {doc.id!r} would both be written as {stem}.txt")
        owners[stem] = doc.id
    return list(owners)


def _brat_ids(entities: list[Entity]) -> dict[str, str]:
    """Entity id -> brat id: ids of the form T<n> stay, others take the lowest free T numbers in text order."""
    taken = {e.id for e in entities if _BRAT_ENTITY_ID.fullmatch(e.id)}
    free = (f"T{n}" for n in itertools.count(1) if f"T{n}" not in taken)
    return {e.id: e.id if e.id in taken else next(free) for e in sorted(entities, key=lambda e: (e.start, e.end))}


def _fragments(text: str, ent: Entity) -> list[tuple[int, int]]:
    """The span cut at line breaks, as brat keeps it."""
    return [(ent.start + m.start(), ent.start + m.end())
            for m in re.finditer(f"[^{_LINE_BREAKS}]+", text[ent.start:ent.end])]


def _render_ann(doc: Document, brat_ids: dict[str, str]) -> str:
    lines: list[str] = []
    notes: list[str] = []
    for ent in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        fragments = _fragments(doc.text, ent)
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        lines.append(f"{brat_ids[ent.id]}\t{ent.label} {offsets}\t{' '.join(doc.text[s:e] for s, e in fragments)}")
        if ent.label in CASUALTY_LABELS:
            value = "null" if ent.value is None else ent.value
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes {brat_ids[ent.id]}\tvalue={value}")
    lines += [f"R{n}\t{r.label} Arg1:{brat_ids[r.head]} Arg2:{brat_ids[r.tail]}"
              for n, r in enumerate(doc.relations, 1)]
    return "".join(line + "\n" for line in lines + notes)


def _render_meta(doc: Document, brat_ids: dict[str, str]) -> str:
    values = {"id": doc.id, "lang": doc.lang, "date": doc.date, "source": doc.source, "title": doc.title}
    if doc.annotated_labels is not None:
        values["annotated_labels"] = ", ".join(doc.annotated_labels)
    renamed = {brat: original for original, brat in brat_ids.items() if brat != original}
    if renamed:
        values["entity_ids"] = json.dumps(renamed, ensure_ascii=False)
    return "".join(_meta_line(doc.id, key, value) for key, value in values.items() if value is not None)


def _meta_line(doc_id: str, key: str, value: str) -> str:
    if value != value.strip() or any(ch in value for ch in _LINE_BREAKS):
        raise ValueError(f"document {doc_id!r}: {key} {value!r} cannot be a .meta line (it has a line break or "
                         f"surrounding white space)")
    return f"{key}: {value}\n"
