"""Inter-annotator agreement: a second, independent annotation of a sample scored against the first.

The first annotation plays the gold role and the second the prediction role in the project's own
evaluation, so agreement is reported in the same terms as model quality: exact character-span F1 and
seqeval F1 for entities, strict relation F1, and rule-4.7 totals. Span F1 is symmetric, so which annotation
plays which role does not change it.

Second annotations are kept as `<id>.second` files (the draft format) beside the corpus, where corpus
commands, which read `.draft` and `.jsonl`, do not count them as reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..schema import Document, Problem, ProblemSink
from ..training.evaluate import Evaluation, evaluate_documents
from .drafts import parse_draft

SECOND_SUFFIX = ".second"


def read_second_annotations(folder: str | Path, problems: list[Problem] | None = None) -> list[Document]:
    docs = []
    for path in sorted(Path(folder).rglob(f"*{SECOND_SUFFIX}")):
        doc = parse_draft(path.read_text(encoding="utf-8"), str(path), problems)
        if doc is not None:
            docs.append(doc)
    return docs


def agreement(first: Iterable[Document], second: Iterable[Document],
              problems: list[Problem] | None = None) -> Evaluation:
    """Score `second` against the reports of `first` with the same ids; their texts must be identical."""
    sink = ProblemSink(problems)
    by_id = {d.id: d for d in first}
    pairs = []
    for doc in second:
        original = by_id.get(doc.id)
        if original is None:
            sink.add(Problem("no first annotation has this id", doc_id=doc.id))
        elif original.text != doc.text:
            at = next(i for i, (a, b) in enumerate(zip(original.text + "\0", doc.text + "\0")) if a != b)
            sink.add(Problem(f"the text differs from the first annotation's at character {at}", doc_id=doc.id))
        else:
            pairs.append((original, doc))
    if not pairs:
        raise ValueError("no report is annotated twice")
    return evaluate_documents([a for a, _ in pairs], [b for _, b in pairs])
