from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotation_samples import assert_names, first_problem
from eventcoder.annotations.conll import read_conll
from eventcoder.annotations.jsonl import read_jsonl
from eventcoder.cli import app
from eventcoder.schema import Problem

IOB2 = """\
-DOCSTART- -X- -X- O
# id = en-wire-0007

At B-KILLED
least I-KILLED
1,200 I-KILLED
soldiers B-ACTOR
died O
in O
Idlib B-LOC
. O

Turkistan B-ACTOR
Islamic I-ACTOR
Party I-ACTOR
fighters B-ACTOR
clashed O
. O

-DOCSTART- -X- -X- O

Kiew\tNNP\tB-GPE
brennt\tVBZ\tO
"""

# IOB1: a span starts with I-; B- only separates two adjacent spans of one label.
IOB1 = """\
12 I-KILLED
soldiers I-ACTOR
and O
Hamas I-ACTOR
Hezbollah B-ACTOR
in O
Gaza I-LOCATION
City I-LOCATION
"""


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def spans(doc) -> list[tuple[str, str, int | None]]:
    return [(e.label, e.text, e.value) for e in doc.entities]


def test_reads_documents_text_offsets_and_values(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.conll", IOB2)
    first, second = read_conll(path, lang="en", label_map={"LOC": "LOCATION", "GPE": "LOCATION"},
                               annotated_labels=("ACTOR", "LOCATION", "KILLED"))
    assert first.id == "en-wire-0007" and second.id == "wire-2"
    assert first.text == "At least 1,200 soldiers died in Idlib .\nTurkistan Islamic Party fighters clashed ."
    assert spans(first) == [("KILLED", "At least 1,200", 1200), ("ACTOR", "soldiers", None),
                            ("LOCATION", "Idlib", None), ("ACTOR", "Turkistan Islamic Party", None),
                            ("ACTOR", "fighters", None)]
    assert all(first.text[e.start:e.end] == e.text for e in first.entities)
    assert [e.id for e in first.entities] == ["T1", "T2", "T3", "T4", "T5"]
    assert (second.text, spans(second)) == ("Kiew brennt", [("LOCATION", "Kiew", None)])
    assert first.annotated_labels == ("ACTOR", "LOCATION", "KILLED") and first.lang == "en"


def test_reads_iob1_and_plain_integer_values(tmp_path: Path) -> None:
    (doc,) = read_conll(write(tmp_path / "old.bio", IOB1), lang="en")
    assert doc.id == "old-1"
    assert spans(doc) == [("KILLED", "12", 12), ("ACTOR", "soldiers", None), ("ACTOR", "Hamas", None),
                          ("ACTOR", "Hezbollah", None), ("LOCATION", "Gaza City", None)]


def test_a_label_mapped_to_none_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.conll", IOB2.replace("B-ACTOR", "B-ORG").replace("I-ACTOR", "I-ORG"))
    first, _ = read_conll(path, lang="en", label_map={"LOC": "LOCATION", "GPE": "LOCATION", "ORG": None})
    assert spans(first) == [("KILLED", "At least 1,200", 1200), ("LOCATION", "Idlib", None)]


def test_a_folder_is_searched_for_conll_files(tmp_path: Path) -> None:
    write(tmp_path / "a.conll", IOB1)
    write(tmp_path / "notes.txt", "not a CoNLL file")
    assert [d.id for d in read_conll(tmp_path, lang="en")] == ["a-1"]


def test_lang_is_required() -> None:
    with pytest.raises(ValueError, match="give lang"):
        read_conll([], lang=None)


# BIO cannot express an overlap, a relation, a discontinuous span or a text mismatch; these are its faults.
@pytest.mark.parametrize("content, line, what", [
    ("Kiew B-LOC\nbrennt O\n", 1, "label 'LOC' is not the scheme's and label_map does not map it"),
    ("Kiew B-LOCATION\nbrennt E-LOCATION\n", 2, "tag 'E-LOCATION' of 'brennt' is not O, B-LABEL or I-LABEL"),
    ("Kiew B-LOCATION\nbrennt\n", 2, "expected a token and its tag, got 'brennt'"),
    ("Angriff O\n( B-ACTOR\nIS I-ACTOR\n) O\n", 2, "starts or ends with white space or punctuation"),
])
def test_each_bad_input_is_reported_with_file_line_and_document(tmp_path: Path, content: str, line: int, what: str
                                                                ) -> None:
    path = write(tmp_path / "x.conll", "# id = de-1\n" + content)
    assert_names(first_problem(read_conll, path, lang="de"), path, "de-1", what, line + 1)


def test_a_named_document_without_tokens_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "x.conll", "# id = de-1\n\n# id = de-2\nKiew B-LOCATION\n")
    assert_names(first_problem(read_conll, path, lang="de"), path, "de-1", "the document has no tokens", 1)


def test_collect_mode_reports_every_problem_and_keeps_good_documents(tmp_path: Path) -> None:
    content = "# id = a\nKiew B-LOC\n\n# id = b\nKiew B-LOCATION\n\n# id = c\nx X-Y\ny\nHTS B-ACTOR\n"
    problems: list[Problem] = []
    docs = read_conll(write(tmp_path / "x.conll", content), problems, lang="de")
    assert [d.id for d in docs] == ["b"]
    assert sorted((p.doc_id, p.line) for p in problems) == [("a", 2), ("c", 8), ("c", 9)]


def test_cli_imports_conll(tmp_path: Path) -> None:
    path = write(tmp_path / "old.conll", IOB1)
    runner = CliRunner()
    no_lang = runner.invoke(app, ["annotations", "import", "conll", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert no_lang.exit_code == 2 and "give lang" in no_lang.output
    result = runner.invoke(app, ["annotations", "import", "conll", str(path), "--lang", "en",
                                 "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert [d.id for d in read_jsonl(tmp_path / "out.jsonl")] == ["old-1"]


def test_cli_import_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "x.conll", "Kiew B-LOC\n\n-DOCSTART-\nHTS B-ORG\n")
    result = CliRunner().invoke(app, ["annotations", "import", "conll", str(path), "--lang", "de",
                                      "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert f"{path}:1: document 'x-1': label 'LOC'" in result.output
    assert f"{path}:4: document 'x-2': label 'ORG'" in result.output
    assert not (tmp_path / "out.jsonl").exists()
