"""Event assembly: counts without double counting, grouping by place and date, sides, where and when."""

import json
from pathlib import Path

import pytest

from eventcoder.annotations.jsonl import document_from_dict
from eventcoder.inference.events import EVENT_COLUMNS, assemble_events, event_to_dict, event_to_row
from eventcoder.schema import (CASUALTY_LABELS, Document, Estimate, Relation, casualty_totals, resolve_counts,
                               validate_document)

from samples import mark

SPLITS = sorted(Path("annotations/splits").glob("*.jsonl"))


def doc_of(text: str, spans: list[tuple], relations: str = "", date: str | None = "2024-03-08",
           lang: str = "en") -> Document:
    """A report from (surface, label, id[, value[, nth]]) spans and 'head LABEL tail' lines."""
    entities = [mark(text, surface, label, ent_id, *rest) for surface, label, ent_id, *rest in spans]
    rels = [Relation(label, head, tail) for head, label, tail in (line.split() for line in relations.split(";")
                                                                  if line.strip())]
    return Document("r1", lang, text, entities, rels, date)


def summed(events) -> dict[str, int]:
    return {label: sum(e.casualties[label].stated for e in events) for label in CASUALTY_LABELS}


def corpus_reports():
    for path in SPLITS:  # read as written, so that every report is checked, valid or not
        for line in path.read_text(encoding="utf-8").splitlines():
            doc, _ = document_from_dict(json.loads(line))
            yield doc


def test_events_add_up_to_the_report_totals_on_every_corpus_report():
    checked = 0
    for doc in corpus_reports():
        events = assemble_events(doc)
        assert summed(events) == casualty_totals(doc.entities, doc.relations), doc.id
        assert [e.id for e in events] == [f"{doc.id}-e{n}" for n in range(1, len(events) + 1)]
        spans = {(e.start, e.end): e for e in doc.entities}
        for event in events:  # evidence offsets slice exactly the mentions the event rests on
            assert event.evidence == sorted(set(event.evidence))
            assert all(span in spans and doc.text[span[0]:span[1]] == spans[span].text for span in event.evidence)
            json.dumps(event_to_dict(event))
        checked += 1
    assert checked >= 600


def test_same_as_chain_counts_the_people_once():
    text = "Headline: dozens killed. Body: at least 40 killed, officials said 42 died."
    doc = doc_of(text, [("dozens", "KILLED", "k1", None), ("at least 40", "KILLED", "k2", 40),
                        ("42", "KILLED", "k3", 42)], "k1 SAME_AS k2; k2 SAME_AS k3")
    (event,) = assemble_events(doc)
    killed = event.casualties["KILLED"]
    assert killed.stated == 42 == casualty_totals(doc.entities, doc.relations)["KILLED"]
    assert [m.text for m in killed.mentions] == ["42"] and killed.estimate == Estimate(42, 42, 42)


def test_a_null_total_is_the_sum_of_its_parts_and_its_estimate_keeps_the_vague_floor():
    text = "Dozens were killed, including 5 children and 3 women. Several were wounded, among them 2 men and 4 women."
    doc = doc_of(text, [("Dozens", "KILLED", "k1", None), ("5", "KILLED", "k2", 5), ("3", "KILLED", "k3", 3),
                        ("Several", "INJURED", "j1", None), ("2", "INJURED", "j2", 2), ("4", "INJURED", "j3", 4)],
                 "k2 PART_OF k1; k3 PART_OF k1; j2 PART_OF j1; j3 PART_OF j1")
    (event,) = assemble_events(doc)
    assert summed([event]) == casualty_totals(doc.entities, doc.relations) == {"KILLED": 8, "INJURED": 6,
                                                                               "CAPTURED": 0}
    # `dozens` means at least 24: the parts (8) raise no floor and are no best; a breakdown gives no ceiling
    assert event.casualties["KILLED"].estimate == Estimate(24, None, None)
    # `several` means at least 3: the parts (6) are above it, so they are the floor and the best
    assert event.casualties["INJURED"].estimate == Estimate(6, 6, None)


def test_overlapping_breakdowns_never_add_on_top_of_a_stated_total():
    text = "40 people were killed, including 13 civilians, among them 5 children. 7 more died, 2 of them children."
    doc = doc_of(text, [("40", "KILLED", "k1", 40), ("13", "KILLED", "k2", 13), ("5", "KILLED", "k3", 5),
                        ("civilians", "ACTOR", "a1"), ("children", "ACTOR", "a2"), ("7", "KILLED", "k4", 7),
                        ("2", "KILLED", "k5", 2), ("children", "ACTOR", "a3", None, 1)],
                 "k2 PART_OF k1; k3 PART_OF k2; k3 PART_OF k1; k2 VICTIM a1; k3 VICTIM a2; k5 PART_OF k4; "
                 "k5 VICTIM a3")
    assert validate_document(doc) == []
    events = assemble_events(doc)
    assert summed(events) == casualty_totals(doc.entities, doc.relations) == {"KILLED": 47, "INJURED": 0,
                                                                              "CAPTURED": 0}
    (event,) = events  # no place and no date anywhere: one event
    by_victim = {v.actors: v.stated for v in event.by_victim}
    assert by_victim == {("civilians",): {"KILLED": 13}, ("children",): {"KILLED": 5 + 2}}


def test_breakdowns_under_a_null_total_follow_rule_4_7_even_where_they_overlap():
    text = "Dozens were killed, including 13 civilians, among them 5 children."
    doc = doc_of(text, [("Dozens", "KILLED", "k1", None), ("13", "KILLED", "k2", 13), ("5", "KILLED", "k3", 5)],
                 "k2 PART_OF k1; k3 PART_OF k2; k3 PART_OF k1")
    (event,) = assemble_events(doc)
    assert event.casualties["KILLED"].stated == casualty_totals(doc.entities, doc.relations)["KILLED"] == 18


def test_the_counted_mention_of_a_same_as_group_carries_its_part_of():
    text = "Headline: 24 soldiers killed. Body: 24 soldiers died among the 60 fighters killed on both sides."
    doc = doc_of(text, [("24", "KILLED", "k1", 24), ("24", "KILLED", "k2", 24, 1), ("60", "KILLED", "k3", 60)],
                 "k2 SAME_AS k1; k1 PART_OF k3")
    assert validate_document(doc) == []
    (event,) = assemble_events(doc)
    assert event.casualties["KILLED"].stated == casualty_totals(doc.entities, doc.relations)["KILLED"] == 60
    assert [m.text for m in event.casualties["KILLED"].mentions] == ["60"]


def test_a_part_of_drawn_from_another_member_of_the_group_moves_to_the_counted_mention():
    # a prediction can attach the PART_OF to the wrong member; rule 4.7 on the raw relations would count the
    # group twice (as 24 on its own and again inside the null total)
    text = "Headline: 24 soldiers killed. Body: 24 soldiers were among dozens killed on both sides."
    doc = doc_of(text, [("24", "KILLED", "k1", 24), ("24", "KILLED", "k2", 24, 1), ("dozens", "KILLED", "k3", None)],
                 "k2 SAME_AS k1; k2 PART_OF k3")
    assert casualty_totals(doc.entities, doc.relations)["KILLED"] == 48
    resolved = resolve_counts(doc.entities, doc.relations, doc.lang)
    assert Relation("PART_OF", "k1", "k3") in resolved and Relation("SAME_AS", "k2", "k1") in resolved
    events = assemble_events(doc)
    assert summed(events)["KILLED"] == casualty_totals(doc.entities, resolved)["KILLED"] == 24


def test_a_prediction_with_two_counted_mentions_in_a_group_counts_the_one_rule_4_4_chooses():
    text = "At least 30 were killed; 35 died, said one source; another said 32."
    doc = doc_of(text, [("At least 30", "KILLED", "k1", 30), ("35", "KILLED", "k2", 35), ("32", "KILLED", "k3", 32)],
                 "k1 SAME_AS k2; k1 SAME_AS k3")
    (event,) = assemble_events(doc)
    assert [m.text for m in event.casualties["KILLED"].mentions] == ["32"]  # bare figures first, the lowest
    assert event.casualties["KILLED"].stated == 32


def test_a_same_as_pointing_into_a_vague_mention_is_turned_to_the_exact_figure():
    # the group's one sink is `dozens`, but rule 4.4 never counts a vague mention where an exact one exists:
    # taken at its word, the prediction would count the 19 as `dozens` with no figure, a total of 0
    text = "Dozens killed in raid. At least 19 people died, officials said."
    doc = doc_of(text, [("Dozens", "KILLED", "k1", None), ("At least 19", "KILLED", "k2", 19)], "k2 SAME_AS k1")
    resolved = resolve_counts(doc.entities, doc.relations, doc.lang)
    assert resolved == [Relation("SAME_AS", "k1", "k2")]
    assert casualty_totals(doc.entities, resolved)["KILLED"] == 19
    (event,) = assemble_events(doc)
    assert event.casualties["KILLED"].stated == 19


def test_counts_with_no_relations_form_one_event_dated_to_the_report():
    text = "Three people were killed and two wounded, police said."
    doc = doc_of(text, [("Three", "KILLED", "k1", 3), ("two", "INJURED", "j1", 2)])
    (event,) = assemble_events(doc)
    assert summed([event]) == {"KILLED": 3, "INJURED": 2, "CAPTURED": 0}
    assert event.location is None and event.date_mention is None
    assert event.date.iso == "2024-03-08" and not event.date.exact and "report date" in event.date.note
    assert event.actors == [] and event.confidence == 1.0
    row = event_to_row(event)
    assert list(row) == list(EVENT_COLUMNS) and row["actor1"] is None and row["killed_stated"] == 3
    three, two = text.index("Three"), text.index("two")
    assert row["evidence"] == f"{three}-{three + 5};{two}-{two + 3}"


def test_a_report_without_counts_or_fighting_gives_no_event():
    text = "The ministry said talks would resume in Geneva."
    assert assemble_events(doc_of(text, [("Geneva", "LOCATION", "l1")])) == []


def test_a_clash_without_casualties_is_still_an_event():
    text = "HTS and its allies the Turkistan Islamic Party attacked regime forces in Hama."
    doc = doc_of(text, [("HTS", "ACTOR", "a1"), ("Turkistan Islamic Party", "ACTOR", "a2"),
                        ("regime forces", "ACTOR", "a3"), ("Hama", "LOCATION", "l1")],
                 "a1 ALLIED a2; a1 OPPOSES a3; a1 PLACE l1")
    (event,) = assemble_events(doc)
    assert event.location.text == "Hama" and summed([event]) == {"KILLED": 0, "INJURED": 0, "CAPTURED": 0}
    assert {(a.name, a.role, a.side) for a in event.actors} == {
        ("HTS", None, "A"), ("Turkistan Islamic Party", None, "A"), ("regime forces", None, "B")}
    assert event.casualties["KILLED"].estimate == Estimate(None, None, None)


def test_counts_sharing_place_and_time_are_one_event_and_others_join_their_nearest_linked_event():
    text = ("5 soldiers were killed and 12 injured in Aleppo on Tuesday. In Idlib on Wednesday, an airstrike killed "
            "3 civilians. Later 2 more civilians died of their wounds.")
    doc = doc_of(text, [
        ("5", "KILLED", "k1", 5), ("soldiers", "ACTOR", "a1"), ("12", "INJURED", "j1", 12),
        ("Aleppo", "LOCATION", "l1"), ("on Tuesday", "DATE", "d1"), ("Idlib", "LOCATION", "l2"),
        ("on Wednesday", "DATE", "d2"), ("3", "KILLED", "k2", 3), ("civilians", "ACTOR", "a2"),
        ("2", "KILLED", "k3", 2), ("civilians", "ACTOR", "a3", None, 1)],
        "k1 VICTIM a1; k1 PLACE l1; k1 TIME d1; j1 PLACE l1; j1 TIME d1; k2 PLACE l2; k2 TIME d2; k2 VICTIM a2; "
        "k3 VICTIM a3")
    aleppo, idlib = assemble_events(doc)
    assert (aleppo.id, aleppo.location.text, aleppo.date.iso) == ("r1-e1", "Aleppo", "2024-03-05")
    assert aleppo.date.exact and aleppo.date_mention.text == "on Tuesday"
    assert summed([aleppo]) == {"KILLED": 5, "INJURED": 12, "CAPTURED": 0}
    assert (idlib.location.text, idlib.date.iso, summed([idlib])["KILLED"]) == ("Idlib", "2024-03-06", 5)
    assert [v.stated for v in idlib.by_victim] == [{"KILLED": 5}]  # `civilians` twice is one actor
    (civilians,) = idlib.actors
    assert civilians.role == "victim" and civilians.side is None and len(civilians.mentions) == 2


def test_a_report_without_places_gives_one_event_per_date():
    text = "On Monday 4 were killed. On Tuesday 6 were killed. Another 3 were wounded on Tuesday."
    doc = doc_of(text, [("On Monday", "DATE", "d1"), ("4", "KILLED", "k1", 4), ("On Tuesday", "DATE", "d2"),
                        ("6", "KILLED", "k2", 6), ("3", "INJURED", "j1", 3), ("on Tuesday", "DATE", "d3")],
                 "k1 TIME d1; k2 TIME d2; j1 TIME d3")
    monday, tuesday = assemble_events(doc)
    assert (monday.date.iso, summed([monday])) == ("2024-03-04", {"KILLED": 4, "INJURED": 0, "CAPTURED": 0})
    assert (tuesday.date.iso, summed([tuesday])) == ("2024-03-05", {"KILLED": 6, "INJURED": 3, "CAPTURED": 0})


def test_sides_close_alliances_transitively_and_oppose_across():
    text = ("HTS, the Turkistan Islamic Party and the factions attacked the army and Hezbollah near Hama, "
            "killing 20 soldiers and 4 civilians.")
    doc = doc_of(text, [
        ("HTS", "ACTOR", "a1"), ("Turkistan Islamic Party", "ACTOR", "a2"), ("factions", "ACTOR", "a3"),
        ("army", "ACTOR", "b1"), ("Hezbollah", "ACTOR", "b2"), ("Hama", "LOCATION", "l1"),
        ("20", "KILLED", "k1", 20), ("soldiers", "ACTOR", "v1"), ("4", "KILLED", "k2", 4),
        ("civilians", "ACTOR", "v2")],
        "a1 ALLIED a2; a2 ALLIED a3; b1 ALLIED b2; a1 OPPOSES b1; b1 ALLIED v1; "  # a chain closes into one side
        "k1 PERPETRATOR a3; k1 VICTIM v1; k2 PERPETRATOR a3; k2 VICTIM v2; k1 PLACE l1; k2 PLACE l1")
    (event,) = assemble_events(doc)
    sides = {a.name: (a.role, a.side) for a in event.actors}
    assert sides == {"HTS": (None, "A"), "Turkistan Islamic Party": (None, "A"), "factions": ("perpetrator", "A"),
                     "army": (None, "B"), "Hezbollah": (None, "B"), "soldiers": ("victim", "B"),
                     "civilians": ("victim", None)}
    row = event_to_row(event)
    assert (row["actor1"], row["actor2"]) == ("HTS", "army")
    assert row["side_a"] == "HTS; Turkistan Islamic Party; factions" and row["side_b"] == "army; Hezbollah; soldiers"


def test_without_a_perpetrator_the_attacker_of_the_fight_is_side_a_and_unarmed_victims_have_no_side():
    text = "Clashes between rebels and the army in Daraa killed 7 rebels and 2 civilians."
    doc = doc_of(text, [("rebels", "ACTOR", "a1"), ("army", "ACTOR", "a2"), ("Daraa", "LOCATION", "l1"),
                        ("7", "KILLED", "k1", 7), ("rebels", "ACTOR", "a3", None, 1), ("2", "KILLED", "k2", 2),
                        ("civilians", "ACTOR", "a4")],
                 "a1 OPPOSES a2; k1 VICTIM a3; k2 VICTIM a4; k1 PLACE l1; k2 PLACE l1")
    (event,) = assemble_events(doc)
    assert [(a.name, a.role, a.side) for a in event.actors] == [
        ("rebels", "victim", "A"), ("army", None, "B"), ("civilians", "victim", None)]
    assert event_to_row(event)["actor2"] == "army"


def test_an_actor_that_kills_and_is_killed_in_one_event_is_a_perpetrator():
    text = "In Homs, army shelling killed 3 rebels; the rebels then killed 2 soldiers."
    doc = doc_of(text, [("Homs", "LOCATION", "l1"), ("army", "ACTOR", "a1"), ("3", "KILLED", "k1", 3),
                        ("rebels", "ACTOR", "a2"), ("rebels", "ACTOR", "a3", None, 1), ("2", "KILLED", "k2", 2),
                        ("soldiers", "ACTOR", "a4")],
                 "k1 PERPETRATOR a1; k1 VICTIM a2; k1 PLACE l1; k2 PERPETRATOR a3; k2 VICTIM a4")
    (event,) = assemble_events(doc)
    assert {a.name: a.role for a in event.actors} == {"army": "perpetrator", "rebels": "perpetrator",
                                                      "soldiers": "victim"}


def test_location_falls_back_to_the_perpetrators_place_and_an_unreadable_date_to_the_report_date():
    text = "Gunmen attacked in Kano at some point, killing 6 people."
    doc = doc_of(text, [("Gunmen", "ACTOR", "a1"), ("Kano", "LOCATION", "l1"), ("at some point", "DATE", "d1"),
                        ("6", "KILLED", "k1", 6)],
                 "a1 PLACE l1; k1 PERPETRATOR a1; k1 TIME d1")
    (event,) = assemble_events(doc)
    assert event.location.text == "Kano" and event.date_mention.text == "at some point"
    assert event.date.iso == "2024-03-08" and not event.date.exact
    no_report_date = doc_of(text, [("6", "KILLED", "k1", 6)], date=None)
    (undated,) = assemble_events(no_report_date)
    assert undated.date.iso is None and "no report date" in undated.date.note


def test_predictions_get_the_mean_score_of_what_the_event_rests_on():
    text = "Police said 4 were killed in Jos."
    doc = doc_of(text, [("4", "KILLED", "k1", 4), ("Jos", "LOCATION", "l1")], "k1 PLACE l1")
    doc.entities[0].score, doc.entities[1].score, doc.relations[0].score = 0.9, 0.6, 0.3
    (event,) = assemble_events(doc)
    assert event.confidence == pytest.approx(0.6)
    record = event_to_dict(event)
    assert record["confidence"] == pytest.approx(0.6) and record["location"] == {"text": "Jos", "start": 29, "end": 32}
    assert record["killed"] == {"stated": 4, "low": 4, "best": 4, "high": 4, "mentions": ["4"]}
    assert record["evidence"] == [[12, 13], [29, 32]]


def test_predicted_loops_do_not_hang_and_count_nothing_as_rule_4_7_does():
    text = "10 killed, 10 killed again, 3 wounded."
    doc = doc_of(text, [("10", "KILLED", "k1", 10), ("10", "KILLED", "k2", 10, 1), ("3", "INJURED", "j1", 3)],
                 "k1 PART_OF k2; k2 PART_OF k1")
    events = assemble_events(doc)
    assert summed(events) == casualty_totals(doc.entities, doc.relations) == {"KILLED": 0, "INJURED": 3,
                                                                              "CAPTURED": 0}


