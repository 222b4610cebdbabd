"""Readers and writers for every annotation format eventcoder speaks, behind one `load_documents`."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..schema import Document, Problem, ProblemSink
from .drafts import DRAFT_SUFFIX, read_drafts
from .jsonl import read_jsonl


def load_documents(paths: Iterable[str | Path], problems: list[Problem] | None = None) -> list[Document]:
    """Native documents from JSONL files and inline drafts, named directly or found under folders.

    A corpus folder holds each report twice, as its draft and in a compiled split; a report read again
    is kept once if both copies agree and reported as stale otherwise, so that statistics never double
    count and committed splits never drift from the drafts they were compiled from.
    """
    sink = ProblemSink(problems)
    kept: dict[str, tuple[Document, Path]] = {}
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        if path.is_dir():
            sources = [(p, read_drafts([p], problems)) for p in sorted(path.rglob(f"*{DRAFT_SUFFIX}"))]
            sources += [(p, read_jsonl(p, problems)) for p in sorted(path.rglob("*.jsonl"))]
        elif path.suffix == DRAFT_SUFFIX:
            sources = [(path, read_drafts([path], problems))]
        else:
            sources = [(path, read_jsonl(path, problems))]
        for source, docs in sources:
            for doc in docs:
                if doc.id not in kept:
                    kept[doc.id] = (doc, source)
                elif kept[doc.id][0].sorted() != doc.sorted():
                    sink.add(Problem(f"differs from the copy in {kept[doc.id][1]} (recompile the splits?)",
                                     str(source), None, doc.id))
    return [doc for doc, _ in kept.values()]
