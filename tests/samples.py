"""Small annotated documents built in code, shared by the format tests."""

from __future__ import annotations

from eventcoder.schema import Document, Entity, Relation


def mark(text: str, surface: str, label: str, ent_id: str, value: int | None = None, nth: int = 0) -> Entity:
    """The entity for the nth occurrence of `surface` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Entity(ent_id, label, start, start + len(surface), surface, value)


def english() -> Document:
    text = ("Fighting near Abu Duhur [[sic]] killed at least 24 members of the regime forces on Monday, "
            "the monitor said | #update: Hayat Tahrir al-Sham fighters captured five soldiers.\n---\n"
            "A back\\slash and a closing ]] stay literal; 🙂 an emoji too.")
    ents = [mark(text, "Abu Duhur", "LOCATION", "l1"), mark(text, "at least 24", "KILLED", "k1", 24),
            mark(text, "regime forces", "ACTOR", "a1"), mark(text, "on Monday", "DATE", "d1"),
            mark(text, "Hayat Tahrir al-Sham", "ACTOR", "a2"), mark(text, "five", "CAPTURED", "c1", 5),
            mark(text, "soldiers", "ACTOR", "a3")]
    rels = [Relation("VICTIM", "k1", "a1"), Relation("PLACE", "k1", "l1"), Relation("TIME", "k1", "d1"),
            Relation("PERPETRATOR", "c1", "a2"), Relation("VICTIM", "c1", "a3"), Relation("OPPOSES", "a2", "a1")]
    return Document("en-test-1", "en", text, ents, rels, "2018-01-23", "wire", "Clashes | update #2")


def arabic() -> Document:
    text = "قتل ما لا يقل عن ١٢ مدنياً وأصيب عشرات في قصف لقوات النظام على إدلب يوم الأربعاء، بينهم طفل."
    ents = [mark(text, "ما لا يقل عن ١٢", "KILLED", "k1", 12), mark(text, "مدنياً", "ACTOR", "a1"),
            mark(text, "عشرات", "INJURED", "j1", None), mark(text, "قوات النظام", "ACTOR", "a2"),
            mark(text, "إدلب", "LOCATION", "l1"), mark(text, "يوم الأربعاء", "DATE", "d1"),
            mark(text, "طفل", "KILLED", "k2", 1)]
    rels = [Relation("VICTIM", "k1", "a1"), Relation("PERPETRATOR", "k1", "a2"), Relation("PLACE", "k1", "l1"),
            Relation("TIME", "k1", "d1"), Relation("PART_OF", "k2", "k1"), Relation("PERPETRATOR", "j1", "a2")]
    return Document("ar-test-1", "ar", text, ents, rels, "2024-03-06")


def russian() -> Document:
    text = "В Херсоне погиб священник, ещё трое мирных жителей ранены [по данным ОВА]."
    ents = [mark(text, "Херсоне", "LOCATION", "l1"), mark(text, "священник", "KILLED", "k1", 1),
            mark(text, "трое", "INJURED", "j1", 3), mark(text, "мирных жителей", "ACTOR", "a1")]
    rels = [Relation("PLACE", "k1", "l1"), Relation("VICTIM", "j1", "a1")]
    return Document("ru-test-1", "ru", text, ents, rels, None, None, None, None)


def german_partial() -> Document:
    """Converted public data that annotates locations only."""
    text = "Die Stadt Aleppo liegt im Norden Syriens."
    ents = [mark(text, "Aleppo", "LOCATION", "T1"), mark(text, "Syriens", "LOCATION", "T2")]
    return Document("de-test-1", "de", text, ents, [], annotated_labels=("LOCATION",))


def multilingual() -> list[Document]:
    return [english(), arabic(), russian(), german_partial()]
