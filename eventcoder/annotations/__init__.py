"""Readers and writers for every annotation format eventcoder speaks: the native ones behind one
`load_documents`, the foreign ones (brat, Label Studio, doccano, CoNLL) behind the `FORMATS` registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..schema import Document, Problem, ProblemSink
from .brat import read_brat, write_brat
from .conll import read_conll
from .doccano import read_doccano
from .drafts import DRAFT_SUFFIX, read_drafts
from .jsonl import read_jsonl
from .labelstudio import read_labelstudio, write_labelstudio
from .paths import PathArgument
from .public import ConversionSummary, read_cameo, read_germeval
from .re3d import read_re3d


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


@dataclass(frozen=True)
class Format:
    """A foreign annotation format: its reader, the reader's keyword options, and its writer if any."""

    read: Callable[..., list[Document]]  # read(paths, problems, **options)
    options: frozenset[str] = frozenset({"lang"})
    write: Callable[[list[Document], Path], list[Path]] | None = None  # returns the files written


FORMATS: dict[str, Format] = {
    "brat": Format(read_brat, write=write_brat),
    "labelstudio": Format(read_labelstudio, frozenset({"lang", "use_predictions"}), write_labelstudio),
    "doccano": Format(read_doccano),
    "conll": Format(read_conll, frozenset({"lang", "label_map", "annotated_labels"})),
}


def import_documents(name: str, paths: PathArgument, problems: list[Problem] | None = None, **options: Any
                     ) -> list[Document]:
    """Read `paths` in the format `name`. Options that are None or False count as not given, so that a
    caller (the CLI) can pass all of its options whatever the format; a given option the format does not
    take is a ValueError, as is an unknown format."""
    fmt = _format(name)
    given = {key: value for key, value in options.items() if value is not None and value is not False}
    unknown = sorted(given.keys() - fmt.options)
    if unknown:
        raise ValueError(f"the {name} reader takes no {', '.join(unknown)}")
    return fmt.read(paths, problems, **given)


def export_documents(name: str, documents: Iterable[Document], output: str | Path) -> list[Path]:
    """Write `documents` in the format `name` to `output`; return the files written."""
    fmt = _format(name)
    if fmt.write is None:
        writable = ", ".join(n for n, f in FORMATS.items() if f.write is not None)
        raise ValueError(f"eventcoder does not write {name}; it writes {writable}")
    return fmt.write(list(documents), Path(output))


def _format(name: str) -> Format:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
    return FORMATS[name]


# Public datasets: name → (converter, its folder under ../shared/data). Converters return the documents and a
# summary of what was kept and dropped; see public.py and re3d.py for each mapping.
PUBLIC_DATASETS: dict[str, tuple[Callable[..., tuple[list[Document], ConversionSummary]], str]] = {
    "re3d": (read_re3d, "re3d"),
    "cameo": (read_cameo, "cameo_ner"),
    "germeval": (read_germeval, "germeval2014"),
}
