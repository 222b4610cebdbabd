from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotation_samples import assert_names, first_problem
from eventcoder.annotations.doccano import read_doccano
from eventcoder.annotations.jsonl import read_jsonl
from eventcoder.cli import app
from eventcoder.schema import Entity, Problem, Relation

TEXT = "Nearly 1,200 fighters and 😢 24 civilians were killed in Idlib."


def span(ent_id: int, label: str, surface: str) -> dict:
    start = TEXT.index(surface)
    return {"id": ent_id, "label": label, "start_offset": start, "end_offset": start + len(surface)}


def link(rel_id: int, source: int, target: int, label: str) -> dict:
    return {"id": rel_id, "from_id": source, "to_id": target, "type": label}


def record(doc_id: Any = 7, entities: list | None = None, relations: list | None = None, **fields: Any) -> dict:
    return {"id": doc_id, "text": TEXT, "entities": entities or [], "relations": relations or [], "lang": "en",
            "Comments": [], **fields}


def write_jsonl_lines(path: Path, *records: dict | str) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = record(7, [span(1, "KILLED", "Nearly 1,200"), span(2, "ACTOR", "fighters"), span(3, "KILLED", "24"),
                  span(4, "ACTOR", "civilians"), span(5, "LOCATION", "Idlib")],
              [link(1, 1, 2, "VICTIM"), link(2, 3, 4, "VICTIM"), link(3, 3, 5, "PLACE")], date="2021-02-03")


@pytest.mark.parametrize("text, count, lang, value", [
    ("At least 24 soldiers died.", "At least 24", "en", 24), ("Two soldiers died.", "Two", "en", 2),
    ("Dozens of soldiers died.", "Dozens", "en", None),
    ("Mindestens vier Soldaten starben.", "Mindestens vier", "de", 4),
    ("Une vingtaine de soldats sont morts.", "Une vingtaine", "fr", 20),
])
def test_values_are_read_off_the_span_in_the_records_language(tmp_path: Path, text: str, count: str, lang: str,
                                                               value: int | None) -> None:
    """The guidelines' values (section 3), not only plain integers: doccano has no place to annotate one."""
    rec = {"id": 1, "text": text, "lang": lang,
           "entities": [{"id": 1, "label": "KILLED", "start_offset": 0, "end_offset": len(count)}]}
    (doc,) = read_doccano(write_jsonl_lines(tmp_path / "export.jsonl", rec))
    assert (doc.entity("T1").text, doc.entity("T1").value) == (count, value)


def test_reads_entities_relations_and_values(tmp_path: Path) -> None:
    (doc,) = read_doccano(write_jsonl_lines(tmp_path / "export.jsonl", GOOD))
    assert (doc.id, doc.lang, doc.date) == ("7", "en", "2021-02-03")
    assert doc.entity("T1") == Entity("T1", "KILLED", 0, 12, "Nearly 1,200", 1200)  # the guidelines' value
    assert doc.entity("T3").value == 24
    assert doc.entity("T5").start == TEXT.index("Idlib")  # code points: the emoji counts once
    assert doc.relations == [Relation("VICTIM", "T1", "T2"), Relation("VICTIM", "T3", "T4"),
                             Relation("PLACE", "T3", "T5")]


def test_reads_the_older_label_form_with_the_lang_argument(tmp_path: Path) -> None:
    start = TEXT.index("24")
    old = {"id": 8, "text": TEXT, "label": [[start, start + 2, "KILLED"], [start + 3, start + 12, "ACTOR"]]}
    (doc,) = read_doccano(write_jsonl_lines(tmp_path / "old.jsonl", old), lang="fr")
    assert doc.lang == "fr"
    assert [(e.id, e.label, e.text, e.value) for e in doc.entities] == [("T1", "KILLED", "24", 24),
                                                                       ("T2", "ACTOR", "civilians", None)]


# doccano stores no span text, so a text mismatch cannot occur; a discontinuous or multi-label span cannot either.
@pytest.mark.parametrize("bad, what", [
    (record(entities=[{"id": 1, "label": "LOCATION", "start_offset": 55, "end_offset": 90}]), "outside the text"),
    (record(entities=[span(1, "ACTOR", "fighters"), {**span(2, "ACTOR", "fighters"), "start_offset": 10}]),
     "overlaps entity T2"),
    (record(entities=[span(1, "PERSON", "fighters")]), "unknown label 'PERSON'"),
    (record(entities=[span(1, "ACTOR", "fighters"), span(2, "LOCATION", "Idlib")],
            relations=[link(1, 2, 1, "VICTIM")]), "VICTIM cannot go from LOCATION to ACTOR"),
    (record(entities=[span(1, "ACTOR", "fighters")], relations=[link(1, 1, 9, "ALLIED")]),
     "tail 'T9' is not an entity"),
    (record(entities=[{"id": 1, "label": "ACTOR", "start_offset": "0", "end_offset": 5}]),
     "offsets must be integers"),
    (record(entities=[{"id": 1, "label": "ACTOR"}]), "entity #1 must be an object with id, label, start_offset"),
    (record(relations=[{"from_id": 1}]), "relation #1 must be an object with from_id, to_id and type"),
    (record(entities=[span(1, "ACTOR", "fighters")], label=[[0, 6, "ACTOR"]]), "both 'entities' and 'label'"),
    (record(label=["POSITIVE"], entities=None), "text classification, cannot be represented"),
    (record(Comments=[{"text": "check this"}]), "field 'Comments' cannot be represented"),
    (record(lang=None), "no lang"),
    (record(date="yesterday"), "date 'yesterday' is not ISO 8601"),
])
def test_each_bad_input_is_reported_with_file_line_and_document(tmp_path: Path, bad: dict, what: str) -> None:
    path = write_jsonl_lines(tmp_path / "export.jsonl", record(3), bad)
    assert_names(first_problem(read_doccano, path), path, "7", what, line=2)


def test_unreadable_lines_are_reported(tmp_path: Path) -> None:
    path = write_jsonl_lines(tmp_path / "export.jsonl", record(3), "", '{"id": 4, "text": ')
    assert_names(first_problem(read_doccano, path), path, None, "not valid JSON", line=3)
    path = write_jsonl_lines(tmp_path / "export.jsonl", record(3), record(3))
    assert_names(first_problem(read_doccano, path), path, "3", f"document id is also used in {path}:1", line=2)
    path = write_jsonl_lines(tmp_path / "export.jsonl", {"text": TEXT, "lang": "en"})
    assert_names(first_problem(read_doccano, path), path, None, "the record has no 'id'", line=1)


def test_collect_mode_reports_every_problem_and_keeps_good_documents(tmp_path: Path) -> None:
    path = write_jsonl_lines(tmp_path / "export.jsonl", record(1, [span(1, "PERSON", "fighters")]), GOOD,
                             record(2, [span(1, "ACTOR", "fighters")], [link(1, 1, 5, "ALLIED")], lang=None))
    problems: list[Problem] = []
    docs = read_doccano(path, problems)
    assert [d.id for d in docs] == ["7"]
    assert [(p.line, p.doc_id) for p in problems] == [(1, "1"), (3, "2")]


def test_cli_imports_doccano(tmp_path: Path) -> None:
    path = write_jsonl_lines(tmp_path / "export.jsonl", GOOD, record(8, lang=None))
    result = CliRunner().invoke(app, ["annotations", "import", "doccano", str(path), "--lang", "de",
                                      "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert [(d.id, d.lang) for d in read_jsonl(tmp_path / "out.jsonl")] == [("7", "en"), ("8", "de")]


def test_cli_import_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    path = write_jsonl_lines(tmp_path / "export.jsonl", GOOD, record(8, lang=None), record(9, label=["POS"]))
    result = CliRunner().invoke(app, ["annotations", "import", "doccano", str(path), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert f"{path}:2: document '8': no lang" in result.output
    assert f"{path}:3: document '9': label #1" in result.output
    assert not (tmp_path / "o.jsonl").exists()
