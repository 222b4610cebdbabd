import json

from eventcoder.annotations.public import mentions_violence
from eventcoder.annotations.re3d import read_re3d

TEXT = ("The Iraqi forces fought ISIL near the city of Mosul on Friday.\n"
        "We met the UN in Geneva on Monday.\n"
        "15 civilians were killed west of Baghdad.")


def entity(doc_id, begin, end, kind, conf=1):
    return {"_id": f"{doc_id}-{begin}-{kind}", "documentId": doc_id, "begin": begin, "end": end, "type": kind,
            "value": TEXT[begin:end], "confidence": conf}


def at(sub, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return start, start + len(sub)


def build(tmp_path):
    folder = tmp_path / "BBC_Online"
    folder.mkdir()
    doc_id = "ABCDEF0123456789"
    (folder / "documents.json").write_text(json.dumps({"_id": doc_id, "title": "t", "text": TEXT,
                                                       "sourceName": "BBC Online"}) + "\n", encoding="utf-8")
    spans = [(at("The Iraqi forces"), "Organisation"), (at("ISIL"), "Organisation"), (at("Mosul"), "Location"),
             (at("the city of Mosul"), "Location"), (at("Friday"), "Temporal"), (at("We"), "Organisation"),
             (at("UN"), "Organisation"), (at("Geneva"), "Location"), (at("Monday"), "Temporal"),
             (at("15 civilians"), "Organisation"), (at("west of Baghdad"), "Location"), (at("Baghdad"), "Location"),
             (at("Iraqi"), "Nationality")]
    ents = [entity(doc_id, b, e, kind) for (b, e), kind in spans]
    (folder / "entities.json").write_text("\n".join(json.dumps(e) for e in ents) + "\n", encoding="utf-8")
    rels = []
    for (src, tgt, kind) in [("The Iraqi forces", "ISIL", "FightingAgainst"), ("We", "UN", "AlliesOf"),
                             ("15 civilians", "ISIL", "FightingAgainst"), ("Mosul", "Friday", "CoLocated")]:
        (sb, se), (tb, te) = at(src), at(tgt)
        rels.append({"_id": f"r{len(rels)}", "documentId": doc_id, "sourceBegin": sb, "sourceEnd": se, "source": src,
                     "targetBegin": tb, "targetEnd": te, "target": tgt, "type": kind})
    (folder / "relations.json").write_text("\n".join(json.dumps(r) for r in rels) + "\n", encoding="utf-8")


def test_mapping_follows_the_documented_decisions(tmp_path):
    build(tmp_path)
    docs, summary = read_re3d(tmp_path)
    (doc,) = docs
    assert doc.annotated_labels == ("LOCATION",) and doc.lang == "en"
    spans = [(e.label, e.text) for e in doc.entities]
    # `We` is an anaphor and `15 civilians` holds a count: neither becomes an ACTOR; the UN is an end of an
    # AlliesOf, which is what makes an Organisation an ACTOR; `the city of Mosul` nests the name `Mosul`
    assert spans == [("ACTOR", "Iraqi forces"), ("ACTOR", "ISIL"), ("LOCATION", "Mosul"), ("DATE", "Friday"),
                     ("ACTOR", "UN"), ("LOCATION", "Geneva"), ("LOCATION", "Baghdad")]
    rels = [(r.label, doc.entity(r.head).text, doc.entity(r.tail).text) for r in doc.relations]
    assert rels == [("OPPOSES", "Iraqi forces", "ISIL")]
    assert summary.dropped["CoLocated relation (no counterpart)"] == 1
    assert summary.dropped["FightingAgainst relation (an end is not an ACTOR)"] == 1
    assert summary.dropped["AlliesOf relation (an end is not an ACTOR)"] == 1
    assert summary.dropped["Temporal (not an entity of the scheme)"] == 1  # the meeting's Monday anchors no violence


def test_violence_cue():
    assert mentions_violence("Three soldiers were killed in an ambush")
    assert not mentions_violence("The ministers met in Geneva on Monday")
