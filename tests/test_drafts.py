import pytest

from eventcoder.annotations.drafts import parse_draft, read_drafts, render_draft, write_drafts
from eventcoder.schema import AnnotationError, Problem

from samples import multilingual

GOOD = """id: en-1
lang: en
date: 2024-01-02
---
Clashes in [[Hama|LOCATION#l1]] killed [[24|KILLED#k1=24]] [[soldiers|ACTOR#a1]].
[[Dozens|INJURED=null]] were hurt.
---
k1 VICTIM a1
k1 PLACE l1
"""


def error_of(content: str) -> str:
    with pytest.raises(AnnotationError) as err:
        parse_draft(content, "x.draft")
    return str(err.value)


def test_parse_gives_offsets_ids_and_values():
    doc = parse_draft(GOOD)
    assert doc.text == "Clashes in Hama killed 24 soldiers.\nDozens were hurt."
    assert [(e.id, e.label, e.text, e.value) for e in doc.entities] == [
        ("l1", "LOCATION", "Hama", None), ("k1", "KILLED", "24", 24), ("a1", "ACTOR", "soldiers", None),
        ("T4", "INJURED", "Dozens", None)]
    assert all(doc.text[e.start:e.end] == e.text for e in doc.entities)


def test_round_trip_is_exact_on_multilingual_text_with_brackets(tmp_path):
    docs = multilingual()
    write_drafts(docs, tmp_path)
    assert [d.sorted() for d in read_drafts([tmp_path])] == sorted((d.sorted() for d in docs), key=lambda d: d.id)


def test_render_of_a_parsed_draft_is_the_draft():
    assert render_draft(parse_draft(GOOD)) == GOOD


def test_missing_closing_separator():
    assert "needs a '---' line" in error_of(GOOD.split("---\nk1")[0])


def test_unknown_header_key():
    assert "x.draft:3:" in error_of(GOOD.replace("date:", "published:"))


def test_missing_id():
    assert "the header has no 'id'" in error_of(GOOD.replace("id: en-1\n", ""))


def test_unclosed_span():
    assert "x.draft:6:" in error_of(GOOD.replace("[[Dozens|INJURED=null]]", "[[Dozens|INJURED=null"))


def test_stray_closing_brackets():
    msg = error_of(GOOD.replace("were hurt", "were ]] hurt"))
    assert "x.draft:6:" in msg and "without an opening" in msg


def test_nested_span():
    assert "spans never nest" in error_of(GOOD.replace("[[Hama|LOCATION#l1]]", "[[Hama [[x|ACTOR]]|LOCATION#l1]]"))


def test_bad_annotation():
    assert "cannot read the annotation 'LOCATION l1'" in error_of(GOOD.replace("LOCATION#l1", "LOCATION l1"))


def test_casualty_without_value():
    msg = error_of(GOOD.replace("INJURED=null", "INJURED"))
    assert "x.draft:6:" in msg and "needs '=VALUE'" in msg


def test_value_on_non_casualty():
    assert "cannot carry a value" in error_of(GOOD.replace("ACTOR#a1", "ACTOR#a1=3"))


def test_unknown_label_is_located_at_its_line():
    msg = error_of(GOOD.replace("INJURED=null", "HURT"))
    assert msg.startswith("x.draft:6: document 'en-1':") and "unknown label 'HURT'" in msg


def test_dangling_relation_is_located_at_its_line():
    msg = error_of(GOOD.replace("k1 PLACE l1", "k1 PLACE l9"))
    assert msg.startswith("x.draft:9:") and "tail 'l9' is not an entity" in msg


def test_signature_violation():
    assert "x.draft:8:" in error_of(GOOD.replace("k1 VICTIM a1", "a1 VICTIM k1"))


def test_malformed_relation_line():
    assert "'HEAD LABEL TAIL'" in error_of(GOOD + "k1 VICTIM\n")


def test_duplicate_ids():
    assert "duplicate entity id 'k1'" in error_of(GOOD.replace("ACTOR#a1", "ACTOR#k1"))


def test_collect_mode_across_files(tmp_path):
    (tmp_path / "a.draft").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.draft").write_text(GOOD.replace("en-1", "en-2").replace("k1 PLACE l1", "k1 PLACE l9"),
                                      encoding="utf-8")
    (tmp_path / "c.draft").write_text(GOOD, encoding="utf-8")  # same id as a.draft
    problems: list[Problem] = []
    docs = read_drafts([tmp_path], problems)
    assert [d.id for d in docs] == ["en-1"]
    assert [(p.source.rsplit("/", 1)[1], p.line) for p in problems] == [("b.draft", 9), ("c.draft", 1)]
