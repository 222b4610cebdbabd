"""Inline drafts: one report per file, annotated in place, for writing and reviewing by hand.

    id: en-0001
    lang: en
    date: 2018-01-23
    ---
    … killing [[at least 24|KILLED#k1=24]] members of the [[regime forces|ACTOR#a1]] …
    ---
    k1 VICTIM a1

The header holds `key: value` lines (`id` and `lang` required; `date`, `source`, `title` optional; `labels`
lists the annotated labels of converted data). The body is the report text with spans marked as
`[[surface|LABEL#id=value]]`; `#id` is needed only where a relation refers to the span (others get `T<n>`,
n being the span's position in the text), `=value` is required on casualty labels (an integer or `null`).
The relation section holds `HEAD LABEL TAIL` lines; it may be empty but its `---` line is always there.

Escapes: a backslash makes the next `[`, `]` or `\\` literal, in the text and inside a surface alike.
`|` and `#` need no escape: the annotation is whatever follows the last `|` of a marked span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..schema import (CASUALTY_LABELS, Document, Entity, Problem, ProblemSink, Relation, validate_document)
from .paths import file_stem, input_files

DRAFT_SUFFIX = ".draft"
_HEADER_KEYS = ("id", "lang", "date", "source", "title", "labels")
_ANNOTATION = re.compile(r"^(?P<label>[A-Z_]+)(?:#(?P<id>[^\s=#|\[\]]+))?(?:=(?P<value>\d+|null))?$")
_ESCAPABLE = "\\[]"


@dataclass
class _Span:
    start: int
    end: int
    annotation: str
    line: int


class _DraftSyntaxError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def parse_draft(content: str, source: str = "<draft>", problems: list[Problem] | None = None
                ) -> Document | None:
    """Parse one draft. Invalid drafts raise AnnotationError, or with `problems` given, return None."""
    sink = ProblemSink(problems)
    doc_id = None
    try:
        doc, entity_lines, relation_lines = _parse(content)
        doc_id = doc.id
    except _DraftSyntaxError as err:
        sink.add(Problem(str(err), source, err.line, doc_id))
        return None
    findings = validate_document(doc)
    located = [Problem(f.message, source,
                       entity_lines.get(f.entity_id) if f.relation_index is None else relation_lines[f.relation_index],
                       doc.id)
               for f in findings]
    return doc if sink.extend(located) else None


def _parse(content: str) -> tuple[Document, dict[str, int], list[int]]:
    lines = content.split("\n")
    seps = [i for i, line in enumerate(lines) if line.rstrip("\r") == "---"]
    if len(seps) < 2:
        raise _DraftSyntaxError("a draft needs a '---' line after the header and another before the relations "
                                "(kept even when there are none)", len(lines))
    header = _parse_header(lines[:seps[0]])
    body_first_line = seps[0] + 2  # 1-based number of the body's first line
    text, spans = _parse_body("\n".join(lines[seps[0] + 1:seps[-1]]), body_first_line)

    entities: list[Entity] = []
    entity_lines: dict[str, int] = {}
    for n, span in enumerate(spans, 1):
        m = _ANNOTATION.match(span.annotation)
        if not m:
            raise _DraftSyntaxError(f"cannot read the annotation {span.annotation!r} of "
                                    f"{text[span.start:span.end]!r}: expected LABEL, LABEL#id or LABEL#id=value",
                                    span.line)
        label, ent_id, value = m["label"], m["id"] or f"T{n}", m["value"]
        if label in CASUALTY_LABELS and value is None:
            raise _DraftSyntaxError(f"{label} span {text[span.start:span.end]!r} needs '=VALUE' (an integer, or "
                                    f"null when the text states no number)", span.line)
        if label not in CASUALTY_LABELS and value is not None:
            raise _DraftSyntaxError(f"{label} span {text[span.start:span.end]!r} cannot carry a value", span.line)
        entities.append(Entity(ent_id, label, span.start, span.end, text[span.start:span.end],
                               None if value in (None, "null") else int(value)))
        entity_lines.setdefault(ent_id, span.line)

    relations: list[Relation] = []
    relation_lines: list[int] = []
    for i in range(seps[-1] + 1, len(lines)):
        line = lines[i].strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise _DraftSyntaxError(f"a relation line is 'HEAD LABEL TAIL', got {line!r}", i + 1)
        relations.append(Relation(parts[1], parts[0], parts[2]))
        relation_lines.append(i + 1)

    labels = header.get("labels")
    doc = Document(header["id"], header["lang"], text, entities, relations, header.get("date"),
                   header.get("source"), header.get("title"),
                   tuple(x.strip() for x in labels.split(",") if x.strip()) if labels is not None else None)
    return doc, entity_lines, relation_lines


def _parse_header(lines: list[str]) -> dict[str, str]:
    header: dict[str, str] = {}
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in _HEADER_KEYS:
            raise _DraftSyntaxError(f"header lines are 'key: value' with key one of {', '.join(_HEADER_KEYS)}; "
                                    f"got {line!r}", i)
        if key in header:
            raise _DraftSyntaxError(f"header key {key!r} is given twice", i)
        header[key] = value.strip()
    for key in ("id", "lang"):
        if not header.get(key):
            raise _DraftSyntaxError(f"the header has no {key!r}", 1)
    return header


def _parse_body(body: str, first_line: int) -> tuple[str, list[_Span]]:
    out: list[str] = []
    spans: list[_Span] = []
    length = 0  # len("".join(out)), kept as we go
    line = first_line
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n and body[i + 1] in _ESCAPABLE:
            out.append(body[i + 1])
            length += 1
            i += 2
        elif body.startswith("[[", i):
            surface, annotation, i_next = _parse_markup(body, i + 2, line)
            spans.append(_Span(length, length + len(surface), annotation, line))
            out.append(surface)
            length += len(surface)
            line += body.count("\n", i, i_next)
            i = i_next
        elif body.startswith("]]", i):
            raise _DraftSyntaxError("']]' without an opening '[[' (write \\]\\] for literal brackets)", line)
        else:
            out.append(ch)
            length += 1
            line += ch == "\n"
            i += 1
    return "".join(out), spans


def _parse_markup(body: str, i: int, line: int) -> tuple[str, str, int]:
    """Read `surface|ANNOTATION]]` from position i; return surface (unescaped), annotation, next position."""
    raw: list[str] = []
    escaped: list[bool] = []  # an escaped '|' never separates the surface from the annotation
    start, n = i, len(body)
    while i < n:
        if body[i] == "\\" and i + 1 < n and body[i + 1] in _ESCAPABLE:
            raw.append(body[i + 1])
            escaped.append(True)
            i += 2
            continue
        if body.startswith("]]", i):
            bars = [k for k, (c, e) in enumerate(zip(raw, escaped)) if c == "|" and not e]
            if not bars:
                raise _DraftSyntaxError(f"marked span {''.join(raw)!r} has no '|LABEL'", line)
            surface = "".join(raw[:bars[-1]])
            if not surface:
                raise _DraftSyntaxError("a marked span is empty", line)
            return surface, "".join(raw[bars[-1] + 1:]), i + 2
        if body.startswith("[[", i):
            raise _DraftSyntaxError("'[[' inside a marked span: spans never nest (escape literal brackets as \\[)",
                                    line + body.count("\n", start, i))
        raw.append(body[i])
        escaped.append(False)
        i += 1
    raise _DraftSyntaxError("'[[' is never closed by ']]'", line)


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _ESCAPABLE else c for c in text)


def render_draft(doc: Document) -> str:
    """The draft for `doc`; parse_draft(render_draft(d)) equals d in canonical (text) order."""
    header = [f"id: {doc.id}", f"lang: {doc.lang}"]
    for key in ("date", "source", "title"):
        value = getattr(doc, key)
        if value is not None:
            header.append(f"{key}: {value}")
    if doc.annotated_labels is not None:
        header.append(f"labels: {', '.join(doc.annotated_labels)}")
    parts: list[str] = []
    pos = 0
    for n, ent in enumerate(sorted(doc.entities, key=lambda e: (e.start, e.end)), 1):
        parts.append(_escape(doc.text[pos:ent.start]))
        tag = ent.label + ("" if ent.id == f"T{n}" else f"#{ent.id}")
        if ent.label in CASUALTY_LABELS:
            tag += "=" + ("null" if ent.value is None else str(ent.value))
        parts.append(f"[[{_escape(doc.text[ent.start:ent.end])}|{tag}]]")
        pos = ent.end
    parts.append(_escape(doc.text[pos:]))
    relations = [f"{r.head} {r.label} {r.tail}" for r in doc.relations]
    return "\n".join(header + ["---", "".join(parts), "---"] + relations) + "\n"


def draft_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Draft files named directly, or found (recursively, sorted) under the folders named."""
    return input_files(paths, (DRAFT_SUFFIX,))


def read_drafts(paths: Iterable[str | Path], problems: list[Problem] | None = None) -> list[Document]:
    sink = ProblemSink(problems)
    docs: list[Document] = []
    seen: dict[str, Path] = {}
    for path in draft_paths(paths):
        doc = parse_draft(path.read_text(encoding="utf-8"), str(path), problems)
        if doc is None:
            continue
        if doc.id in seen:
            sink.add(Problem(f"document id is also used by {seen[doc.id]}", str(path), 1, doc.id))
            continue
        seen[doc.id] = path
        docs.append(doc)
    return docs


def write_drafts(documents: Iterable[Document], folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in documents:
        path = folder / f"{file_stem(doc.id)}{DRAFT_SUFFIX}"
        path.write_text(render_draft(doc), encoding="utf-8")
        written.append(path)
    return written
