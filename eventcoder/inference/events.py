"""Events from one report's spans and relations: gold annotations or a model's predictions.

Counts. The casualty mentions of one SAME_AS group count the same people once, through their counted mention: the
member with no outgoing SAME_AS, or, where a prediction leaves none or several, the one that rule 4.4 and decision
6.14 choose (`schema.counted_mention`). PART_OF, moved onto the counted mentions at both ends, nests breakdowns
under their totals; a *top-level count* is a counted mention with no outgoing PART_OF. An event's figure for a label
(`stated`) is rule 4.7 over its top-level counts, computed by `schema.casualty_totals` itself: a stated value wins,
a null value is the sum of its parts, parts never add on top. Each top-level count lands in exactly one event, so
the events of a report add up to rule 4.7 over `schema.resolve_counts`, which on a valid gold report is
`casualty_totals(doc.entities, doc.relations)`.

Estimates. A count's low/best/high is `numbers.normalize` of its counted mention. A null total with parts takes the
larger floor of its own word and of its parts' sum, the parts' best where that is not below the floor, and no
ceiling, since a breakdown need not cover its total (`dozens, including 5 children`). A sum of counts has a best and
a high only where every term has one; its low adds the floors that are known, a count being never negative.

Context. A top-level count's places are its own PLACE tails, else its SAME_AS group's, else its parts', else the
PLACE of its perpetrators, else of its victims; its dates come from TIME the same way (own, group, parts).
Places compare by case-folded text, dates by the day they resolve to.

Grouping counts into events, in this order:
1. counts with a place and a date: one event per place and date;
2. counts with a place and no date join the nearest event at that place, or open one;
3. in a report with counts but no place: one event per date;
4. the other counts join the nearest event among those they share an actor or a date with, else the nearest event,
   else they form one event. "Nearest" is by character distance between the mentions.
A report with no count but with OPPOSES gives clashes without casualties: one event per place of the opposing
actors (pairs without a place join the nearest), or one event without a place.

Actors. VICTIM and PERPETRATOR from the event's counts give roles (perpetrator first where an actor has both);
actors with PLACE at the event's place, and the OPPOSES/ALLIED partners of the event's actors, take part without a
role. Sides: the connected groups of ALLIED (closed transitively, decision 6.1) over the whole report; side A is the
perpetrators' group (without perpetrators, the head of the first OPPOSES: the attacker), OPPOSES alternates sides
from there, and a victim left without a side is on side B where OPPOSES or ALLIED puts it in the fighting, None
otherwise (civilians). In a row, actor1 is the first side-A actor, actor2 the first side-B actor, else the first
victim.

Where and when. The location is the place of the count that opened the event; the date is `dates.resolve_date` of
its DATE (the opening count's, else the first of its counts'), or the report date marked as a fallback.

Confidence is the mean score of the spans and relations the event rests on (its evidence and the relations between
those mentions): the mean rather than the minimum, so that one doubtful partner mention does not sink a
well-attested count. Gold annotations carry no scores and give 1.0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Iterable

from ..schema import (CASUALTY_LABELS, CasualtyCount, Document, Entity, Estimate, Event, EventActor, Relation,
                      ResolvedDate, VictimCount, casualty_totals, resolve_counts)
from .dates import resolve_date
from .numbers import normalize

SIDE_A, SIDE_B = "A", "B"
PERPETRATOR, VICTIM = "perpetrator", "victim"

# The flat, ACLED-like row of an event: column -> type (CSV writes them in this order, Parquet types them).
EVENT_COLUMNS: dict[str, type] = {
    "report_id": str, "event_id": str, "event_date": str, "date_text": str, "date_exact": bool,
    "location": str, "location_start": int, "location_end": int, "actor1": str, "actor2": str,
    "side_a": str, "side_b": str,
    **{f"{label.lower()}_{bound}": int for label in CASUALTY_LABELS for bound in ("low", "best", "high")},
    **{f"{label.lower()}_stated": int for label in CASUALTY_LABELS},
    "confidence": float, "evidence": str,
}


def assemble_events(doc: Document) -> list[Event]:
    """The events of one report, in text order, with ids f"{doc.id}-e{n}"."""
    report = _Report(doc)
    counts = report.top_level_counts()
    drafts = _group_counts(report, counts) if counts else _group_clashes(report)
    events = sorted((_event(report, draft) for draft in drafts), key=lambda e: e.evidence[0])
    for n, event in enumerate(events, 1):
        event.id = f"{doc.id}-e{n}"
    return events


# ---------------------------------------------------------------------------------------------- the report

def _key(mention: Entity) -> str:
    return mention.text.casefold()


@dataclass(eq=False)
class _Count:
    """A count of people: its counted mention, every mention of the same people, and its breakdown."""

    mention: Entity
    group: list[Entity]
    parts: list[_Count] = field(default_factory=list)
    place: Entity | None = None  # context, for top-level counts
    date: Entity | None = None

    @property
    def label(self) -> str:
        return self.mention.label

    def subtree(self) -> list[_Count]:
        """This count and every count below it, each once (breakdowns may overlap; predictions may loop)."""
        seen: dict[int, _Count] = {}
        stack = [self]
        while stack:
            count = stack.pop()
            if id(count) not in seen:
                seen[id(count)] = count
                stack.extend(reversed(count.parts))
        return list(seen.values())

    def mentions(self) -> list[Entity]:
        return [m for count in self.subtree() for m in count.group]


class _Report:
    """One report's mentions and relations, indexed for assembly."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.by_id = {e.id: e for e in doc.entities}
        self.relations = [r for r in doc.relations if r.head in self.by_id and r.tail in self.by_id]
        self.resolved = resolve_counts(doc.entities, self.relations, doc.lang)
        # mention id -> its SAME_AS group's counted mention, for mentions in a group
        self.counted = {r.head: r.tail for r in self.resolved if r.label == "SAME_AS"}
        self.counted.update({tail: tail for tail in set(self.counted.values())})
        self.outgoing: dict[str, list[Relation]] = defaultdict(list)
        for rel in self.relations:
            self.outgoing[rel.head].append(rel)
        self._days: dict[str, ResolvedDate] = {}
        self._allies: dict[str, str] = {}  # actor key -> a parent in its ALLIED group (union-find)
        fighting = sorted((r for r in self.relations if r.label in ("ALLIED", "OPPOSES")),
                          key=lambda r: self.by_id[r.head].start)
        ends = [(r.label, _key(self.by_id[r.head]), _key(self.by_id[r.tail])) for r in fighting]
        for label, head, tail in ends:
            if label == "ALLIED":
                self._allies[self.side_group(head)] = self.side_group(tail)
        # (attacker's group, attacked group) in text order; the groups that OPPOSES or ALLIED put in the fighting
        self.fights = [(self.side_group(h), self.side_group(t)) for label, h, t in ends if label == "OPPOSES"]
        self.armed = {self.side_group(k) for _, head, tail in ends for k in (head, tail)}

    def side_group(self, key: str) -> str:
        """The ALLIED group of an actor (closed transitively, decision 6.1), named by one of its keys."""
        while self._allies.setdefault(key, key) != key:
            key = self._allies[key]
        return key

    def tails(self, mentions: Iterable[Entity], label: str) -> list[Entity]:
        """The tails of `label` relations from `mentions`, in text order."""
        found = {rel.tail: self.by_id[rel.tail] for m in mentions for rel in self.outgoing[m.id] if rel.label == label}
        return sorted(found.values(), key=lambda e: e.start)

    def day(self, date: Entity) -> ResolvedDate:
        if date.id not in self._days:
            self._days[date.id] = resolve_date(date.text, self.doc.lang, self.doc.date)
        return self._days[date.id]

    def day_key(self, date: Entity | None) -> str | None:
        return None if date is None else self.day(date).iso or _key(date)

    def top_level_counts(self) -> list[_Count]:
        """The top-level counts in text order, their breakdowns attached and their place and date found."""
        groups: dict[str, list[Entity]] = defaultdict(list)
        for ent in sorted(self.doc.entities, key=lambda e: e.start):
            if ent.label in CASUALTY_LABELS:
                groups[self.counted.get(ent.id, ent.id)].append(ent)
        counts = {cid: _Count(self.by_id[cid], members) for cid, members in groups.items()}
        has_parent: set[str] = set()
        for rel in self.resolved:
            if rel.label == "PART_OF" and rel.head in counts and rel.tail in counts:
                counts[rel.tail].parts.append(counts[rel.head])
                has_parent.add(rel.head)
        top = sorted((c for cid, c in counts.items() if cid not in has_parent), key=lambda c: c.mention.start)
        for count in top:
            places = self._context(count, "PLACE")
            mentions = count.mentions()
            for role in ("PERPETRATOR", "VICTIM"):
                places = places or self.tails(self.tails(mentions, role), "PLACE")
            dates = self._context(count, "TIME")
            count.place, count.date = (places or [None])[0], (dates or [None])[0]
        return top

    def _context(self, count: _Count, label: str) -> list[Entity]:
        """A count's PLACE or TIME tails: its own, else its SAME_AS group's, else its parts'."""
        parts = [m for part in count.subtree()[1:] for m in part.group]
        for mentions in ([count.mention], count.group, parts):
            if found := self.tails(mentions, label):
                return found
        return []


# ---------------------------------------------------------------------------------------------- grouping

@dataclass(eq=False)
class _Draft:
    """An event being grouped: its counts (or, for a clash, its OPPOSES pairs), place and date."""

    place: Entity | None
    date: Entity | None
    counts: list[_Count] = field(default_factory=list)
    clashes: list[Relation] = field(default_factory=list)

    def mentions(self, report: _Report) -> list[Entity]:
        return ([m for c in self.counts for m in c.mentions()]
                + [report.by_id[i] for rel in self.clashes for i in (rel.head, rel.tail)])


def _distance(a: Iterable[Entity], b: Iterable[Entity]) -> int:
    b = list(b)
    return min(max(y.start - x.end, x.start - y.end, 0) for x in a for y in b)


def _nearest(report: _Report, mentions: list[Entity], drafts: list[_Draft]) -> _Draft:
    return min(drafts, key=lambda d: _distance(mentions, d.mentions(report)))  # min keeps the first of equals


def _group_counts(report: _Report, counts: list[_Count]) -> list[_Draft]:
    drafts: list[_Draft] = []
    by_place_day: dict[tuple[str, str | None], _Draft] = {}
    for count in counts:  # 1. a place and a date
        if count.place and count.date:
            key = (_key(count.place), report.day_key(count.date))
            if key not in by_place_day:
                by_place_day[key] = _Draft(count.place, count.date)
                drafts.append(by_place_day[key])
            by_place_day[key].counts.append(count)
    for count in counts:  # 2. a place and no date
        if count.place and not count.date:
            here = [d for d in drafts if d.place and _key(d.place) == _key(count.place)]
            if here:
                _nearest(report, count.mentions(), here).counts.append(count)
            else:
                drafts.append(_Draft(count.place, None, [count]))
    unplaced = [c for c in counts if not c.place]
    if not drafts:  # 3. no place in the whole report: one event per date
        by_day: dict[str | None, _Draft] = {}
        for count in unplaced:
            if count.date:
                key = report.day_key(count.date)
                if key not in by_day:
                    by_day[key] = _Draft(None, count.date)
                    drafts.append(by_day[key])
                by_day[key].counts.append(count)
        unplaced = [c for c in unplaced if not c.date]
    for count in unplaced:  # 4. join the nearest linked event
        if not drafts:
            drafts.append(_Draft(None, None, [count]))
            continue
        actors = {_key(a) for a in _role_mentions(report, [count])}
        day = report.day_key(count.date)
        linked = [d for d in drafts
                  if actors & {_key(a) for a in _role_mentions(report, d.counts)}
                  or (day is not None and day in {report.day_key(c.date) for c in d.counts})]
        _nearest(report, count.mentions(), linked or drafts).counts.append(count)
    return drafts


def _group_clashes(report: _Report) -> list[_Draft]:
    """Clashes without casualties: the report's OPPOSES pairs, one event per place."""
    pairs = sorted((r for r in report.relations if r.label == "OPPOSES"), key=lambda r: report.by_id[r.head].start)
    drafts: list[_Draft] = []
    unplaced: list[Relation] = []
    for rel in pairs:
        ends = [report.by_id[rel.head], report.by_id[rel.tail]]
        same_actors = [e for e in report.doc.entities if e.label == "ACTOR" and _key(e) in {_key(m) for m in ends}]
        places = report.tails(ends, "PLACE") or report.tails(same_actors, "PLACE")
        if not places:
            unplaced.append(rel)
            continue
        draft = next((d for d in drafts if _key(d.place) == _key(places[0])), None)
        if draft is None:
            draft = _Draft(places[0], None)
            drafts.append(draft)
        draft.clashes.append(rel)
    for rel in unplaced:
        if drafts:
            ends = [report.by_id[rel.head], report.by_id[rel.tail]]
            _nearest(report, ends, drafts).clashes.append(rel)
        else:
            drafts.append(_Draft(None, None, clashes=[rel]))
    return drafts


# ---------------------------------------------------------------------------------------------- one event

def _role_mentions(report: _Report, counts: Iterable[_Count]) -> list[Entity]:
    mentions = [m for c in counts for m in c.mentions()]
    return report.tails(mentions, "PERPETRATOR") + report.tails(mentions, "VICTIM")


def _event(report: _Report, draft: _Draft) -> Event:
    doc = report.doc
    date_mention = draft.date or next((c.date for c in sorted(draft.counts, key=lambda c: c.mention.start)
                                       if c.date), None)
    actors = _actors(report, draft)
    mentions = draft.mentions(report) + [m for a in actors for m in a.mentions]
    mentions += [m for m in (draft.place, date_mention) if m is not None]
    return Event(
        id="", report_id=doc.id, date=_date(report, date_mention), date_mention=date_mention,
        location=draft.place, actors=actors, casualties=_casualties(report, draft.counts),
        by_victim=_by_victim(report, draft.counts), confidence=_confidence(report, mentions),
        evidence=sorted({(m.start, m.end) for m in mentions}))


def _date(report: _Report, mention: Entity | None) -> ResolvedDate:
    if mention is not None:
        return report.day(mention)
    if report.doc.date is None:
        return ResolvedDate(None, False, "no DATE linked to the event and no report date")
    return ResolvedDate(report.doc.date[:10], False, "no DATE linked to the event; dated to the report date")


def _rule_47(counts: Iterable[_Count], report: _Report) -> dict[str, int]:
    """Rule 4.7 over `counts` and their breakdowns, by schema.casualty_totals (the one place that defines it)."""
    nodes = {id(n): n.mention for c in counts for n in c.subtree()}
    return casualty_totals(nodes.values(), report.resolved)


def _casualties(report: _Report, counts: list[_Count]) -> dict[str, CasualtyCount]:
    stated = _rule_47(counts, report)
    out: dict[str, CasualtyCount] = {}
    for label in CASUALTY_LABELS:
        top = [c for c in counts if c.label == label]
        estimates = [_estimate(c, report.doc.lang, frozenset()) for c in top]
        out[label] = CasualtyCount(stated[label], _sum(estimates) if top else Estimate(None, None, None),
                                   tuple(sorted((c.mention for c in top), key=lambda m: m.start)))
    return out


def _estimate(count: _Count, lang: str, path: frozenset[int]) -> Estimate:
    own = normalize(count.mention.text, lang)
    parts = [p for p in count.parts if id(p) not in path]
    if count.mention.value is not None or not parts:
        return own
    summed = _sum([_estimate(p, lang, path | {id(count)}) for p in parts])
    floors = [x for x in (own.low, summed.low) if x is not None]
    low = max(floors) if floors else None
    best = summed.best if summed.best is not None and (low is None or summed.best >= low) else None
    return Estimate(low, best, None)


def _sum(estimates: list[Estimate]) -> Estimate:
    lows = [e.low for e in estimates if e.low is not None]
    best = None if any(e.best is None for e in estimates) else sum(e.best for e in estimates)  # type: ignore[misc]
    high = None if any(e.high is None for e in estimates) else sum(e.high for e in estimates)  # type: ignore[misc]
    return Estimate(sum(lows) if lows else None, best, high)


def _by_victim(report: _Report, counts: list[_Count]) -> list[VictimCount]:
    """Per group of victims, rule 4.7 over the counts naming them that are not inside a count naming the same."""
    rows: dict[tuple[str, ...], dict[str, int]] = {}
    names: dict[tuple[str, ...], tuple[str, ...]] = {}
    seen: set[int] = set()

    def visit(count: _Count, above: tuple[str, ...]) -> None:
        if id(count) in seen:
            return
        seen.add(id(count))
        victims: dict[str, str] = {}  # actor key -> the text of its first mention here
        for victim in report.tails(count.group, "VICTIM"):
            victims.setdefault(_key(victim), victim.text)
        key = tuple(victims)
        if key and key != above:
            row = rows.setdefault(key, {})
            row[count.label] = row.get(count.label, 0) + _rule_47([count], report)[count.label]
            names.setdefault(key, tuple(victims.values()))
        for part in count.parts:
            visit(part, key or above)

    for count in counts:
        visit(count, ())
    return [VictimCount(names[key], row) for key, row in rows.items()]


def _actors(report: _Report, draft: _Draft) -> list[EventActor]:
    """The event's parties: the actors its counts name (with their roles), those fighting at its place, their
    ALLIED groups and the groups that these OPPOSE."""
    roles: dict[str, str] = {}
    involved: list[Entity] = []
    mentions = [m for count in draft.counts for m in count.mentions()]
    for relation, role in (("PERPETRATOR", PERPETRATOR), ("VICTIM", VICTIM)):  # perpetrator wins over victim
        for actor in report.tails(mentions, relation):
            roles.setdefault(_key(actor), role)
            involved.append(actor)
    involved += [report.by_id[i] for rel in draft.clashes for i in (rel.head, rel.tail)]
    if draft.place is not None:
        involved += [e for e in report.doc.entities if e.label == "ACTOR"
                     and any(_key(p) == _key(draft.place) for p in report.tails([e], "PLACE"))]
    groups = {report.side_group(_key(a)) for a in involved}
    groups |= {other for pair in report.fights if groups & set(pair) for other in pair}
    involved += [report.by_id[i] for rel in report.relations if rel.label in ("ALLIED", "OPPOSES")
                 and report.side_group(_key(report.by_id[rel.head])) in groups for i in (rel.head, rel.tail)]
    by_key: dict[str, list[Entity]] = defaultdict(list)
    for mention in sorted({m.id: m for m in involved}.values(), key=lambda m: m.start):
        by_key[_key(mention)].append(mention)
    sides = _sides(report, [k for k, r in roles.items() if r == PERPETRATOR], groups)
    actors = []
    for key, mentions in by_key.items():
        group = report.side_group(key)
        side = sides.get(group)
        if side is None and roles.get(key) == VICTIM and group in report.armed:
            side = SIDE_B
        actors.append(EventActor(mentions[0].text, roles.get(key), side, tuple(mentions)))
    return actors


def _sides(report: _Report, perpetrators: list[str], groups: set[str]) -> dict[str, str]:
    """Side group -> side: A for the perpetrators' groups (without perpetrators, the attacker of the first OPPOSES
    among `groups`), alternating along OPPOSES from there."""
    seeds = [report.side_group(k) for k in perpetrators] or [h for h, t in report.fights if {h, t} & groups][:1]
    side_of: dict[str, str] = {}
    frontier = [(group, SIDE_A) for group in seeds]
    while frontier:
        group, side = frontier.pop(0)
        if group not in side_of:
            side_of[group] = side
            other = SIDE_B if side == SIDE_A else SIDE_A
            frontier += [(t if h == group else h, other) for h, t in report.fights if group in (h, t)]
    return side_of


def _confidence(report: _Report, mentions: list[Entity]) -> float:
    ids = {m.id for m in mentions}
    relations = [r for r in report.relations if r.head in ids and r.tail in ids]
    scores = [1.0 if x.score is None else x.score for x in [*{m.id: m for m in mentions}.values(), *relations]]
    return round(fmean(scores), 4) if scores else 1.0


# ---------------------------------------------------------------------------------------------- output

def event_to_dict(event: Event) -> dict[str, Any]:
    """The nested JSON form of an event (the design card's example, with the rule-4.7 figure as `stated`)."""
    out: dict[str, Any] = {
        "event_id": event.id, "report_id": event.report_id, "event_date": event.date.iso,
        "date_text": event.date_mention.text if event.date_mention else None, "date_exact": event.date.exact,
        "date_note": event.date.note,
        "location": None if event.location is None else
        {"text": event.location.text, "start": event.location.start, "end": event.location.end},
        "actors": [{"text": a.name, "role": a.role, "side": a.side} for a in event.actors],
    }
    for label, count in event.casualties.items():
        out[label.lower()] = {"stated": count.stated, "low": count.estimate.low, "best": count.estimate.best,
                              "high": count.estimate.high, "mentions": [m.text for m in count.mentions]}
    out["by_victim"] = [{"actor": "; ".join(v.actors), **{label.lower(): n for label, n in v.stated.items()}}
                        for v in event.by_victim]
    out["confidence"] = event.confidence
    out["evidence"] = [list(span) for span in event.evidence]
    return out


def event_to_row(event: Event) -> dict[str, Any]:
    """The flat ACLED-like row of an event, its columns those of EVENT_COLUMNS in that order."""
    side = {s: [a.name for a in event.actors if a.side == s] for s in (SIDE_A, SIDE_B)}
    victims = [a.name for a in event.actors if a.role == VICTIM]
    loc = event.location
    row: dict[str, Any] = {
        "report_id": event.report_id, "event_id": event.id, "event_date": event.date.iso,
        "date_text": event.date_mention.text if event.date_mention else None, "date_exact": event.date.exact,
        "location": loc.text if loc else None, "location_start": loc.start if loc else None,
        "location_end": loc.end if loc else None,
        "actor1": (side[SIDE_A] or [None])[0], "actor2": (side[SIDE_B] or victims or [None])[0],
        "side_a": "; ".join(side[SIDE_A]) or None, "side_b": "; ".join(side[SIDE_B]) or None,
    }
    for label, count in event.casualties.items():
        for bound in ("low", "best", "high"):
            row[f"{label.lower()}_{bound}"] = getattr(count.estimate, bound)
    for label, count in event.casualties.items():
        row[f"{label.lower()}_stated"] = count.stated
    row["confidence"] = event.confidence
    row["evidence"] = ";".join(f"{s}-{e}" for s, e in event.evidence)
    return {column: row[column] for column in EVENT_COLUMNS}
