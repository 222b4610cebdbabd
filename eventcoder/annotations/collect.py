"""What every reader of a foreign format does with a document once built: validate it, locate each problem
in the source (file, line, document), and keep one document per id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..schema import Document, Finding, Problem, ProblemSink, validate_document


@dataclass
class Origin:
    """Where one document was read from, so that a problem can name the file, the line and the document."""

    source: str
    doc_id: str | None = None
    line: int | None = None  # the document's own line, where the format has lines
    entity_lines: dict[str, int] = field(default_factory=dict)
    relation_lines: list[int] = field(default_factory=list)  # by relation index, where relations have lines

    def problem(self, message: str, line: int | None = None) -> Problem:
        return Problem(message, self.source, self.line if line is None else line, self.doc_id)

    def locate(self, finding: Finding) -> Problem:
        if finding.relation_index is not None and finding.relation_index < len(self.relation_lines):
            return self.problem(finding.message, self.relation_lines[finding.relation_index])
        return self.problem(finding.message, self.entity_lines.get(finding.entity_id or ""))

    def __str__(self) -> str:
        return self.source if self.line is None else f"{self.source}:{self.line}"


class DocumentCollector:
    """The documents of one read: each validated, none sharing an id. Problems go to a ProblemSink, so a
    reader given `problems=None` raises at the first faulty document and one given a list goes on."""

    def __init__(self, problems: list[Problem] | None):
        self.sink = ProblemSink(problems)
        self.documents: list[Document] = []
        self._origins: dict[str, Origin] = {}

    def add(self, doc: Document | None, origin: Origin, issues: Iterable[Problem] = (), *, gold: bool = True
            ) -> None:
        """Keep `doc` unless it, or the `issues` its reader found while building it, break the scheme.

        A reader passes None for a document it could not build; its issues say why.
        """
        found = list(issues)
        if doc is not None:
            found += [origin.locate(f) for f in validate_document(doc, gold=gold)]
            if doc.id in self._origins:
                found.append(origin.problem(f"document id is also used in {self._origins[doc.id]}"))
        if self.sink.extend(found) and doc is not None:
            self._origins[doc.id] = origin
            self.documents.append(doc)


def unrepresented_fields(record: dict[str, Any], known: Iterable[str]) -> list[str]:
    """Fields of a foreign record that the scheme has no place for; empty ones hold nothing and pass."""
    known = set(known)
    return [key for key, value in record.items() if key not in known and value not in (None, "", [], {})]
