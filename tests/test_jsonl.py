import json

import pytest

from eventcoder.annotations.jsonl import document_to_dict, read_jsonl, write_jsonl
from eventcoder.schema import AnnotationError, Problem

from samples import multilingual

GOOD = {"id": "d1", "lang": "en", "text": "24 soldiers were killed in Hama on Monday.",
        "entities": [{"id": "T1", "label": "KILLED", "start": 0, "end": 2, "text": "24", "value": 24},
                     {"id": "T2", "label": "ACTOR", "start": 3, "end": 11, "text": "soldiers"},
                     {"id": "T3", "label": "LOCATION", "start": 27, "end": 31, "text": "Hama"}],
        "relations": [{"label": "VICTIM", "head": "T1", "tail": "T2"},
                      {"label": "PLACE", "head": "T1", "tail": "T3"}]}


def write_lines(tmp_path, *objs):
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n", encoding="utf-8")
    return path


def broken(**changes):
    doc = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        target, *path = dotted.split("__")
        obj = doc
        if path:
            obj = doc[target][int(path[0])]
            target = path[1]
        if value is KeyError:
            del obj[target]
        else:
            obj[target] = value
    return doc


def only_error(tmp_path, *objs) -> str:
    path = write_lines(tmp_path, GOOD, *objs)
    with pytest.raises(AnnotationError) as err:
        read_jsonl(path)
    message = str(err.value)
    assert message.startswith(f"{path}:2:"), message  # file and line of the bad report
    return message


def test_round_trip_is_exact(tmp_path):
    docs = multilingual()
    write_jsonl(docs, tmp_path / "out.jsonl")
    assert [d.sorted() for d in read_jsonl(tmp_path / "out.jsonl")] == [d.sorted() for d in docs]


def test_not_json(tmp_path):
    assert "not valid JSON" in only_error(tmp_path, '{"id": "d2", ')


def test_missing_field(tmp_path):
    assert "missing field 'lang'" in only_error(tmp_path, broken(id="d2", lang=KeyError))


def test_unknown_field(tmp_path):
    assert "unknown field 'txt'" in only_error(tmp_path, broken(id="d2", txt="x"))


def test_offset_outside_text(tmp_path):
    msg = only_error(tmp_path, broken(id="d2", entities__2__end=400))
    assert "document 'd2'" in msg and "outside the text" in msg


def test_text_mismatch(tmp_path):
    assert "does not match the text at [27:31], which is 'Hama'" in only_error(
        tmp_path, broken(id="d2", entities__2__text="Homs"))


def test_overlap(tmp_path):
    assert "overlaps entity" in only_error(tmp_path, broken(id="d2", entities__1__start=0, entities__1__text="24 soldiers"))


def test_unknown_entity_label(tmp_path):
    assert "unknown label 'PLACE_NAME'" in only_error(tmp_path, broken(id="d2", entities__2__label="PLACE_NAME"))


def test_unknown_relation_label(tmp_path):
    assert "unknown label 'KILLED_BY'" in only_error(tmp_path, broken(id="d2", relations__0__label="KILLED_BY"))


def test_relation_signature(tmp_path):
    msg = only_error(tmp_path, broken(id="d2", relations__0__label="TIME"))
    assert "TIME cannot go from KILLED to ACTOR (allowed here: VICTIM, PERPETRATOR)" in msg


def test_dangling_id(tmp_path):
    assert "tail 'T9' is not an entity" in only_error(tmp_path, broken(id="d2", relations__1__tail="T9"))


def test_duplicate_entity_id(tmp_path):
    assert "duplicate entity id 'T1'" in only_error(tmp_path, broken(id="d2", entities__1__id="T1"))


def test_casualty_value_missing(tmp_path):
    assert "has no 'value'" in only_error(tmp_path, broken(id="d2", entities__0__value=KeyError))


def test_value_on_other_label(tmp_path):
    assert "carries no value" in only_error(tmp_path, broken(id="d2", entities__2__value=3))


def test_duplicate_document_id(tmp_path):
    assert "duplicate document id (first on line 1)" in only_error(tmp_path, GOOD)


def test_collect_mode_lists_every_problem_and_keeps_good_reports(tmp_path):
    path = write_lines(tmp_path, GOOD, broken(id="d2", entities__2__text="Homs"), "nonsense",
                       broken(id="d4", relations__1__tail="T9", entities__0__label="DEAD"))
    problems: list[Problem] = []
    docs = read_jsonl(path, problems)
    assert [d.id for d in docs] == ["d1"]
    assert [p.line for p in problems] == [2, 3, 4, 4]
    assert all(p.source == str(path) for p in problems)


def test_writer_puts_value_on_casualties_only():
    record = document_to_dict(multilingual()[1])
    values = {e["label"]: ("value" in e) for e in record["entities"]}
    assert values == {"KILLED": True, "ACTOR": False, "INJURED": True, "LOCATION": False, "DATE": False}
