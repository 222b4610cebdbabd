"""Documents and assertions for the tests of the foreign annotation formats, adding to samples.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from eventcoder.schema import AnnotationError, Document, Problem, Relation
from samples import mark, multilingual


def converter_cases() -> list[Document]:
    """Reports that catch what converters get wrong: characters outside the BMP (an emoji, mathematical bold
    letters) before and inside spans, `[[`, `]]`, `|` and `#` in text and title, CRLF line ends, a span across
    a line break, entity ids brat cannot use next to ones it can, and an id that is no safe file name."""
    en = ("BREAKING [[live]] | #Idlib 🔥: At least 24 regime forces were killed in Idlib on Monday, and 5 civilians "
          "🙏 were wounded by 𝐈𝐒𝐈𝐒 fighters of Brigade #9 | a monitor said.")
    ru = "Обстрел Донецка.\r\nПогибли трое мирных жителей, ещё 4 бойца Вооружённых\r\nсил получили ранения 💥."
    de = "Explosion in Kiew: Berichte über Schäden."
    return [
        Document("en-0001", "en", en,
                 [mark(en, "At least 24", "KILLED", "k1", 24), mark(en, "regime forces", "ACTOR", "a1"),
                  mark(en, "Idlib", "LOCATION", "l1", nth=1), mark(en, "on Monday", "DATE", "d1"),
                  mark(en, "5", "INJURED", "T5", 5), mark(en, "civilians", "ACTOR", "a2"),
                  mark(en, "𝐈𝐒𝐈𝐒", "ACTOR", "a3"), mark(en, "Brigade #9", "ACTOR", "T1")],
                 [Relation("VICTIM", "k1", "a1"), Relation("PLACE", "k1", "l1"), Relation("TIME", "k1", "d1"),
                  Relation("VICTIM", "T5", "a2"), Relation("PERPETRATOR", "T5", "a3"), Relation("ALLIED", "a3", "T1")],
                 date="2024-03-11", source="wire", title="Idlib | day 3 #update [[x]]"),
        Document("ru-0003", "ru", ru,
                 [mark(ru, "Донецка", "LOCATION", "l1"), mark(ru, "трое", "KILLED", "k1", 3),
                  mark(ru, "мирных жителей", "ACTOR", "a1"), mark(ru, "4", "INJURED", "i1", 4),
                  mark(ru, "Вооружённых\r\nсил", "ACTOR", "a2")],
                 [Relation("VICTIM", "k1", "a1"), Relation("PLACE", "k1", "l1"), Relation("VICTIM", "i1", "a2")],
                 title="Донецк"),
        Document("de/0004", "de", de, [mark(de, "Kiew", "LOCATION", "T1")], annotated_labels=("LOCATION",)),
    ]


def multilingual_documents() -> list[Document]:
    """The shared sample (English, Arabic, Russian, German) and the converter cases."""
    return multilingual() + converter_cases()


def by_id(documents: list[Document]) -> dict[str, Document]:
    """Documents in canonical form by id, for comparing reads whose order may differ."""
    return {doc.id: doc.sorted() for doc in documents}


def first_problem(read: Callable[..., Any], *args: Any, **kwargs: Any) -> Problem:
    """The problem a reader raises at (problems=None)."""
    with pytest.raises(AnnotationError) as err:
        read(*args, **kwargs)
    return err.value.problems[0]


def assert_names(problem: Problem, source: Path, doc_id: str | None, what: str, line: int | None = None) -> None:
    """The printed problem names the file (and line), the document, and says `what` is wrong."""
    printed = str(problem)
    assert printed.startswith(f"{source}:{line}:" if line is not None else f"{source}:"), printed
    assert problem.line == line, printed
    if doc_id is not None:
        assert f"document {doc_id!r}:" in printed, printed
    assert what in problem.message, printed
