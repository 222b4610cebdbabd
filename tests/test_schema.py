from eventcoder.schema import (Document, Entity, Relation, allowed_relations, casualty_totals, counted_mention,
                               validate_document)

from samples import mark, multilingual


def messages(doc: Document) -> list[str]:
    return [f.message for f in validate_document(doc)]


def test_samples_are_valid():
    for doc in multilingual():
        assert messages(doc) == [], doc.id


def test_signatures():
    assert allowed_relations("KILLED", "ACTOR") == ["VICTIM", "PERPETRATOR"]
    assert allowed_relations("ACTOR", "LOCATION") == ["PLACE"]
    assert allowed_relations("KILLED", "KILLED") == ["PART_OF", "SAME_AS"]
    assert allowed_relations("KILLED", "INJURED") == []  # PART_OF/SAME_AS join counts of one label only
    assert allowed_relations("ACTOR", "ACTOR") == ["OPPOSES", "ALLIED"]
    assert allowed_relations("DATE", "KILLED") == []


def test_edges_with_space_or_punctuation_are_rejected():
    text = "killing 24, civilians"
    doc = Document("x", "en", text, [Entity("T1", "KILLED", 8, 11, "24,", 24)])
    assert "starts or ends with white space or punctuation" in messages(doc)[0]


def test_abbreviation_full_stop_is_allowed():
    text = "U.S. forces struck"
    doc = Document("x", "en", text, [mark(text, "U.S. forces", "ACTOR", "T1")])
    assert messages(doc) == []


def test_value_rules():
    text = "two soldiers in Aleppo"
    doc = Document("x", "en", text, [mark(text, "two", "KILLED", "T1", -2), mark(text, "Aleppo", "LOCATION", "T2")])
    doc.entities[1].value = 3
    found = messages(doc)
    assert any("non-negative integer" in m for m in found)
    assert any("LOCATION, which carries no value" in m for m in found)


def test_part_of_loop_is_rejected():
    text = "10 and 5 killed"
    doc = Document("x", "en", text, [mark(text, "10", "KILLED", "a", 10), mark(text, "5", "KILLED", "b", 5)],
                   [Relation("PART_OF", "a", "b"), Relation("PART_OF", "b", "a")])
    assert any("loop" in m for m in messages(doc))


def test_bad_date_and_lang():
    doc = Document("x", "eng", "text", date="23/01/2018")
    found = messages(doc)
    assert any("ISO 639-1" in m for m in found) and any("ISO 8601" in m for m in found)


def _totals(text, spans, rels):
    ents = [mark(text, s, lab, i, v) for s, lab, i, v in spans]
    return casualty_totals(ents, [Relation(*r) for r in rels])


def test_totals_stated_total_wins_over_breakdown():
    text = "518 killed: 221 soldiers and 297 rebels, including 103 foreigners"
    spans = [("518", "KILLED", "t", 518), ("221", "KILLED", "a", 221), ("297", "KILLED", "b", 297),
             ("103", "KILLED", "c", 103)]
    rels = [("PART_OF", "a", "t"), ("PART_OF", "b", "t"), ("PART_OF", "c", "b")]
    assert _totals(text, spans, rels)["KILLED"] == 518


def test_totals_null_total_sums_its_parts_and_same_as_is_not_counted_twice():
    text = "dozens killed, 30 soldiers and 12 civilians; officials said 45; headline: 42 dead; 7 wounded"
    spans = [("dozens", "KILLED", "d", None), ("30", "KILLED", "s", 30), ("12", "KILLED", "c", 12),
             ("45", "KILLED", "o", 45), ("42", "KILLED", "h", 42), ("7", "INJURED", "w", 7)]
    rels = [("PART_OF", "s", "d"), ("PART_OF", "c", "d"), ("SAME_AS", "o", "h")]
    totals = _totals(text, spans, rels)
    # dozens -> 30 + 12; 45 is SAME_AS the counted 42
    assert totals == {"KILLED": 42 + 42, "INJURED": 7, "CAPTURED": 0}


def test_hausa_apostrophe_is_a_letter_but_english_one_is_punctuation():
    text = "'yan bindiga sun kashe mutane"
    ha = Document("x", "ha", text, [mark(text, "'yan bindiga", "ACTOR", "T1")])
    en = Document("y", "en", text, [mark(text, "'yan bindiga", "ACTOR", "T1")])
    assert messages(ha) == [] and "punctuation" in messages(en)[0]


def _tolls(values_and_texts, relations):
    text = " / ".join(t for t, _ in values_and_texts) + " killed"
    ents = []
    for i, (surface, value) in enumerate(values_and_texts):
        ents.append(mark(text, surface, "KILLED", f"k{i}", value, nth=sum(t == surface for t, _ in values_and_texts[:i])))
    return Document("x", "en", text, ents, [Relation(*r) for r in relations])


def test_counted_mention_is_the_most_precise_then_the_lowest_then_the_first():
    doc = _tolls([("dozens", None), ("about 30", 30), ("309", 309), ("32", 32), ("at least 20", 20)], [])
    assert counted_mention(doc.entities, "en").text == "32"  # bare figures first, the lowest of them
    approximate = _tolls([("at least 58", 58), ("more than 45", 45), ("at least 45", 45)], [])
    assert counted_mention(approximate.entities, "en").text == "more than 45"  # lowest, then first
    vague = _tolls([("dozens", None), ("scores", None)], [])
    assert counted_mention(vague.entities, "en").text == "dozens"


def test_same_as_must_point_to_the_counted_mention_and_part_of_attach_to_it():
    good = _tolls([("24", 24), ("at least 24", 24), ("three", 3)],
                  [("SAME_AS", "k1", "k0"), ("PART_OF", "k2", "k0")])
    assert messages(good) == []
    wrong_tail = _tolls([("24", 24), ("at least 24", 24)], [("SAME_AS", "k0", "k1")])
    assert any("counted mention of this group is k0" in m for m in messages(wrong_tail))
    part_on_head = _tolls([("24", 24), ("at least 24", 24), ("three", 3)],
                          [("SAME_AS", "k1", "k0"), ("PART_OF", "k2", "k1")])
    assert [m for m in messages(part_on_head) if "PART_OF attaches to the counted mention k0" in m]
    chain = _tolls([("40", 40), ("35", 35), ("dozens", None)], [("SAME_AS", "k0", "k1"), ("SAME_AS", "k2", "k0")])
    assert any("needs SAME_AS to it" in m for m in messages(chain))  # a chain is not a star
    assert validate_document(chain, gold=False) == []  # predictions may disagree; events resolve them
