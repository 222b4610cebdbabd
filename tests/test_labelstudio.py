from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotation_samples import assert_names, by_id, first_problem, multilingual_documents
from eventcoder.annotations.jsonl import read_jsonl, write_jsonl
from eventcoder.annotations.labelstudio import (Utf16Offsets, labelstudio_config, read_labelstudio,
                                                write_labelstudio_tasks)
from eventcoder.cli import app
from eventcoder.schema import ENTITY_LABELS, RELATION_LABELS, Entity, Problem, Relation

TEXT = "🔥 At least 24 regime forces were killed in Idlib."


def utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def region(region_id: str, label: str | list[str], surface: str, **wrong: Any) -> dict:
    """A labelled region on `surface` in TEXT, as Label Studio exports it, its value's fields set to `wrong`."""
    start = TEXT.index(surface)
    span = {"start": utf16(TEXT, start), "end": utf16(TEXT, start + len(surface)), "text": surface}
    labels = label if isinstance(label, list) else [label]
    return {"id": region_id, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {**span, "labels": labels, **wrong}}


def number(region_id: str, value: int) -> dict:
    return {"id": region_id, "from_name": "value", "to_name": "text", "type": "number", "value": {"number": value}}


def relation(source: str, target: str, *labels: str, direction: str = "right") -> dict:
    return {"type": "relation", "from_id": source, "to_id": target, "direction": direction, "labels": list(labels)}


GOOD_RESULT = [region("k1", "KILLED", "At least 24"), number("k1", 24), region("a1", "ACTOR", "regime forces"),
               relation("k1", "a1", "VICTIM")]


def write_export(path: Path, *results: list[dict], data: dict | None = None, **task: Any) -> Path:
    """A Label Studio export with one task per result, each a submitted annotation."""
    tasks = [{"id": n, "data": data or {"text": TEXT, "id": f"en-{n}", "lang": "en"},
              "annotations": [{"id": 100 + n, "was_cancelled": False, "result": result}], **task}
             for n, result in enumerate(results, 1)]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- offsets

def test_utf16_offsets_convert_both_ways() -> None:
    text = "a😀b𝐈c"
    offsets = Utf16Offsets(text)
    assert [offsets.to_utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7]
    assert [offsets.to_code_points(u) for u in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="falls inside the character '😀'"):
        offsets.to_code_points(2)
    with pytest.raises(ValueError, match=r"outside the text \(7 UTF-16 code units\)"):
        offsets.to_code_points(8)


def test_written_offsets_are_utf16_code_units(tmp_path: Path) -> None:
    docs = multilingual_documents()
    write_labelstudio_tasks(docs, tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    shifted = 0
    for doc, task in zip(docs, tasks):
        as_js = doc.text.encode("utf-16-le")  # what a JavaScript string indexes
        for item in task["predictions"][0]["result"]:
            if item["type"] == "labels":
                value = item["value"]
                assert as_js[2 * value["start"]:2 * value["end"]].decode("utf-16-le") == value["text"]
                shifted += value["start"] != doc.entity(item["id"]).start
    assert shifted > 0  # the emoji and the bold letters moved some spans


# ---------------------------------------------------------------------------------------------- round trips

def test_jsonl_to_labelstudio_to_jsonl_is_exact(tmp_path: Path) -> None:
    write_jsonl(multilingual_documents(), tmp_path / "in.jsonl")
    original = read_jsonl(tmp_path / "in.jsonl")
    write_labelstudio_tasks(original, tmp_path / "tasks.json")
    back = read_labelstudio(tmp_path / "tasks.json")
    assert by_id(back) == by_id(original)


def test_corrected_predictions_come_back_as_the_annotation(tmp_path: Path) -> None:
    """An annotator opens the pre-annotated task, accepts it (LS copies the prediction), then a second
    annotation is skipped: the accepted one is read, as gold, its scores dropped."""
    docs = multilingual_documents()
    for ent in docs[0].entities:
        ent.score = 0.5
    write_labelstudio_tasks(docs, tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    for task in tasks:
        accepted = task["predictions"][0]["result"]
        task["annotations"] = [{"id": 1, "was_cancelled": False, "result": accepted},
                               {"id": 2, "was_cancelled": True, "result": []}]
    (tmp_path / "export.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    for ent in docs[0].entities:
        ent.score = None
    assert by_id(read_labelstudio(tmp_path / "export.json")) == by_id(docs)


def test_predictions_keep_their_scores(tmp_path: Path) -> None:
    docs = multilingual_documents()
    for n, ent in enumerate(docs[1].entities):
        ent.score = n / 10
    docs[1].relations[0].score = 0.75
    write_labelstudio_tasks(docs, tmp_path / "tasks.json", model_version="m-1")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert {t["predictions"][0]["model_version"] for t in tasks} == {"m-1"}
    assert by_id(read_labelstudio(tmp_path / "tasks.json", use_predictions=True)) == by_id(docs)


def test_textarea_values_left_relations_and_lang_argument(tmp_path: Path) -> None:
    textarea = {"id": "k1", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": ["null"]}}
    result = [region("k1", "KILLED", "At least 24"), textarea, region("a1", "ACTOR", "regime forces"),
              relation("a1", "k1", "VICTIM", direction="left")]
    path = write_export(tmp_path / "export.json", result, data={"text": TEXT, "id": "x-1"})
    (doc,) = read_labelstudio(path, lang="en")
    assert doc.lang == "en" and doc.entity("k1").value is None
    assert (doc.relations[0].head, doc.relations[0].tail) == ("k1", "a1")
    assert doc.entity("a1") == Entity("a1", "ACTOR", 14, 27, "regime forces")


@pytest.mark.parametrize("written, lang, value", [("24", "en", 24), ("1,200", "en", 1200), ("two", "en", 2),
                                                   ("zwei", "de", 2), ("null", "en", None)])
def test_a_written_value_is_read_in_the_tasks_language(tmp_path: Path, written: str, lang: str,
                                                       value: int | None) -> None:
    textarea = {"id": "k1", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [written]}}
    path = write_export(tmp_path / "export.json", [region("k1", "KILLED", "At least 24"), textarea],
                        data={"text": TEXT, "id": "x-1", "lang": lang})
    (doc,) = read_labelstudio(path)
    assert doc.entity("k1").value == value


def test_a_written_value_that_states_no_integer_is_a_problem(tmp_path: Path) -> None:
    textarea = {"id": "k1", "from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": ["dozens"]}}
    path = write_export(tmp_path / "export.json", [region("k1", "KILLED", "At least 24"), textarea])
    assert_names(first_problem(read_labelstudio, path), path, "en-1", "states no integer and is not 'null'")


def test_the_config_matches_what_the_writer_writes() -> None:
    config = ET.fromstring(labelstudio_config())
    assert [e.get("value") for e in config.iter("Label")] == list(ENTITY_LABELS)
    assert [e.get("value") for e in config.iter("Relation")] == list(RELATION_LABELS)
    (value,) = config.iter("Number")
    assert value.get("perRegion") == "true"
    names = {e.get("name") for e in config.iter() if e.get("name")}
    assert names == {"label", "text", "value"}


def test_tasks_written_use_only_the_configs_tags(tmp_path: Path) -> None:
    write_labelstudio_tasks(multilingual_documents(), tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    used = {item.get("from_name") for t in tasks for item in t["predictions"][0]["result"]} - {None}
    assert used == {"label", "value"}


# ---------------------------------------------------------------------------------------------- bad input

def bad_result(**change: Any) -> list[dict]:
    return [region("a1", "ACTOR", "regime forces"), *change.values()]


@pytest.mark.parametrize("result, what", [
    ([region("l1", "LOCATION", "Idlib", end=60)],
     "region l1 [44:60]: UTF-16 offset 60 is outside the text (50 UTF-16 code units)"),
    ([region("l1", "LOCATION", "Idlib", start=1)], "UTF-16 offset 1 falls inside the character '🔥'"),
    ([region("l1", "LOCATION", "Idlib", text="Aleppo")], "text 'Aleppo' does not match the text at [43:48]"),
    (bad_result(r=region("a2", "ACTOR", "forces")), "overlaps entity a1"),
    ([region("p1", "PERSON", "regime forces")], "unknown label 'PERSON'"),
    (bad_result(r=region("l1", "LOCATION", "Idlib"), v=relation("l1", "a1", "VICTIM")),
     "VICTIM cannot go from LOCATION to ACTOR"),
    (bad_result(v=relation("a1", "gone", "ALLIED")), "tail 'gone' is not an entity"),
    ([region("a1", ["ACTOR", "LOCATION"], "regime forces")], "a span takes exactly one label"),
    (bad_result(r=region("a2", "ACTOR", "Idlib"), v=relation("a1", "a2", "ALLIED", "OPPOSES")),
     "a relation takes exactly one label"),
    (bad_result(r=region("a2", "ACTOR", "Idlib"), v=relation("a1", "a2", "ALLIED", direction="bi")),
     "direction 'bi'"),
    (bad_result(v=number("k9", 3)), "value 3 belongs to region 'k9', which is not a labelled span"),
    (bad_result(v=number("a1", 3)), "ACTOR, which carries no value"),
    ([region("k1", "KILLED", "At least 24"), number("k1", 24), number("k1", 25)], "more than one value"),
    (bad_result(c={"id": "c", "type": "choices", "value": {"choices": ["x"]}}), "type 'choices' cannot be"),
])
def test_each_bad_input_is_reported_with_file_and_document(tmp_path: Path, result: list[dict], what: str) -> None:
    path = write_export(tmp_path / "export.json", result)
    assert_names(first_problem(read_labelstudio, path), path, "en-1", what)


def test_tasks_without_usable_results_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    skipped = {"id": 1, "data": {"text": TEXT, "id": "en-1", "lang": "en"},
               "annotations": [{"was_cancelled": True, "result": []}]}
    path.write_text(json.dumps([skipped]), encoding="utf-8")
    assert_names(first_problem(read_labelstudio, path), path, "en-1", "were cancelled (skipped)")
    path.write_text(json.dumps([{**skipped, "annotations": []}]), encoding="utf-8")
    assert_names(first_problem(read_labelstudio, path), path, "en-1", "neither annotations nor predictions")
    path.write_text(json.dumps([{"id": 1, "data": {"text": TEXT, "id": "en-1"}, "predictions": [{"result": []}]}]),
                    encoding="utf-8")
    assert_names(first_problem(read_labelstudio, path), path, "en-1", "no lang")


def test_collect_mode_reports_every_problem_and_keeps_good_documents(tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", GOOD_RESULT,
                        [region("p1", "PERSON", "regime forces"), relation("p1", "nowhere", "VICTIM")],
                        [region("a1", ["ACTOR", "LOCATION"], "regime forces")])
    problems: list[Problem] = []
    docs = read_labelstudio(path, problems)
    assert [d.id for d in docs] == ["en-1"]
    assert docs[0].entity("k1").value == 24 and docs[0].relations == [Relation("VICTIM", "k1", "a1")]
    assert {p.doc_id for p in problems} == {"en-2", "en-3"}
    assert len(problems) >= 3


# ---------------------------------------------------------------------------------------------- command line

def test_cli_exports_tasks_and_config_and_imports_them(tmp_path: Path) -> None:
    write_jsonl(multilingual_documents(), tmp_path / "in.jsonl")
    runner = CliRunner()
    exported = runner.invoke(app, ["annotations", "export", "labelstudio", str(tmp_path / "in.jsonl"),
                                   "-o", str(tmp_path / "tasks.json")])
    assert exported.exit_code == 0, exported.output
    ET.fromstring((tmp_path / "tasks.config.xml").read_text(encoding="utf-8"))
    imported = runner.invoke(app, ["annotations", "import", "labelstudio", str(tmp_path / "tasks.json"),
                                   "--predictions", "-o", str(tmp_path / "out.jsonl")])
    assert imported.exit_code == 0, imported.output
    assert by_id(read_jsonl(tmp_path / "out.jsonl")) == by_id(read_jsonl(tmp_path / "in.jsonl"))


def test_cli_exports_predictions_with_scores(tmp_path: Path) -> None:
    docs = multilingual_documents()
    docs[0].entities[0].score = 0.9
    write_jsonl(docs, tmp_path / "pred.jsonl")
    runner = CliRunner()
    args = ["annotations", "export", "labelstudio", str(tmp_path / "pred.jsonl"), "-o", str(tmp_path / "t.json")]
    assert runner.invoke(app, args).exit_code == 1  # gold by default: scores are refused
    assert runner.invoke(app, args + ["--predictions"]).exit_code == 0
    first = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))[0]["predictions"][0]["result"][0]
    assert first["score"] == 0.9


def test_cli_import_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", [region("p1", "PERSON", "regime forces")],
                        [region("a1", ["ACTOR", "LOCATION"], "regime forces")])
    result = CliRunner().invoke(app, ["annotations", "import", "labelstudio", str(path),
                                      "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert "unknown label 'PERSON'" in result.output and "exactly one label" in result.output
    assert not (tmp_path / "out.jsonl").exists()
