"""DATE spans → calendar days, resolved against the report's date with dateparser (offline).

`resolve_date(text, lang, report_date)` reads a span in four steps:

1. A weekday (`on Saturday`, `am Mittwoch`, `in der Nacht zu Donnerstag`, `mardi dernier`, `في يوم الأربعاء`,
   `в среду`, `у вівторок`, `Salı günü`) is the most recent such day on or before the report date, or strictly
   before it where a word for "last" goes with it (`mardi dernier`, `el pasado martes`): dateparser cannot read
   most of these forms and takes the week before for the report's own weekday. A span that names several
   weekdays (`dans la nuit de lundi à mardi`) is dated to the last of them, not exactly. Weekday names come from
   dateparser's own language data.
2. Words that dateparser cannot read and that do not move the day are stripped (`_PARTICLES`, per language):
   prepositions, articles and daytime words before the day (`on`, `am`, `el`, `في يوم`, `в`, `la madrugada
   del`), and daytime words after it (`gestern Abend`, `ayer por la tarde`, `dün gece`); daytime words are tried
   with and without, since some belong to the expression (`last night`). A few phrases name the report day
   itself (`Mitternacht`, `ce matin`, `утром`).
3. The rest goes to dateparser with RELATIVE_BASE the report date, PREFER_DATES_FROM past and the report's
   language. A day or a time of day is exact; a week, month or year (`last week`, `March 2024`) is not, and is
   dated to dateparser's day in it.
4. What none of this reads falls back to the report date, not exact, with a note saying so. Without a report
   date only an absolute date resolves (one that reads the same whatever the base); anything else gives iso None.

Timing (measured with dateparser 1.5): the import takes 50–70 ms, the first parse in a language 10–80 ms while
dateparser loads that language's data (which it keeps), and each later parse about 0.3 ms whether or not the
parser object is reused. So a parser is built per call, with the report date as its base, instead of being cached
per language; only this module's own word tables are cached.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from dateparser.date import DateData, DateDataParser
from dateparser.languages.loader import default_loader

from ..schema import ResolvedDate

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
_MIN_WEEKDAY_NAME = 4  # dateparser also lists abbreviations (`mo`, `di`, `sa`) that clash with ordinary words
# Two bases far apart: a date that reads the same against both does not depend on the report date.
_PROBE_BASES = (_dt.date(2001, 2, 3), _dt.date(2013, 11, 24))


@dataclass(frozen=True)
class _Particles:
    """One language's words around a date, as written; `|` separates alternatives."""

    leading: str  # before the day; dateparser cannot read them and they do not move it
    trailing: str = ""  # daytime words after the day ("gestern Abend"); also German compounds ("Mittwochabend")
    past: str = ""  # "last": the weekday before the report date's own ("mardi dernier" on a Tuesday)
    report_day: str = ""  # phrases that name the report day itself
    weekdays: tuple[str, ...] = ()  # forms of Monday … Sunday that dateparser lacks (genitives: в ночь со среды)


_PARTICLES: dict[str, _Particles] = {
    "en": _Particles(leading="on|in|at|during|since|from|by|early|late|the|of|overnight|night|morning|afternoon|"
                             "evening|dawn|before|after|around|about",
                     trailing="morning|afternoon|evening|night|overnight", past="last|past"),
    "de": _Particles(leading="am|an|in|im|der|die|dem|den|zu|zum|zur|seit|vom|von|nacht|frühen|späten|früh|spät",
                     trailing="morgen|vormittag|mittag|nachmittag|abend|nacht|früh",
                     past="letzten|letzte|letzter|vergangenen|vergangene|vergangener", report_day="mitternacht"),
    "fr": _Particles(leading="le|la|les|l'|dans|de|du|des|depuis|dès|en|au|à|tôt|tard|nuit|matin|soir|soirée|aube",
                     trailing="matin|soir|soirée|nuit|après-midi", past="dernier|dernière|passé",
                     report_day="minuit|ce matin|cette nuit|ce soir"),
    "es": _Particles(leading="el|la|los|las|en|desde|durante|del|de|a|al|madrugada|noche|tarde",
                     trailing="por|la|tarde|noche|mañana|madrugada", past="pasado|pasada",
                     report_day="medianoche|esta mañana|esta madrugada|esta noche"),
    "pt": _Particles(leading="em|no|na|desde|de|do|da|o|a|madrugada|noite|tarde", trailing="de|à|manhã|tarde|noite",
                     past="passado|passada", report_day="meia-noite|esta manhã|esta madrugada|esta noite"),
    "ar": _Particles(leading="في|يوم|منذ|ليلة|ليل|صباح|مساء|فجر|ظهر|عصر|خلال|مطلع",
                     trailing="صباحا|مساء|ليلا|فجرا|ظهرا", past="الماضي|الماضية", report_day="منتصف الليل"),
    "ru": _Particles(leading="в|во|с|со|на|к|ночь|ночью|утром|вечером|днем|днём|рано|поздно",
                     trailing="утром|вечером|днем|днём|ночью",
                     past="прошлый|прошлую|прошлой|прошлое|минувший|минувшую|минувшей|минувшее",
                     report_day="полночь|полуночи|утром|этой ночью|сегодня ночью",
                     weekdays=("понедельника", "вторника", "среды", "четверга", "пятницы", "субботы", "воскресенья")),
    "uk": _Particles(leading="у|в|з|із|зі|на|ніч|вночі|уночі|вранці|зранку|увечері|ввечері|вдень|проти|рано|пізно",
                     trailing="вранці|зранку|увечері|ввечері|вдень|вночі|уночі",
                     past="минулого|минулий|минулу|минулої|минулій",
                     report_day="опівночі|півночі|вранці|цієї ночі|сьогодні вночі",
                     weekdays=("понеділка", "вівторка", "середи", "четверга", "п'ятниці", "суботи", "неділі")),
    "tr": _Particles(leading="", trailing="günü|gecesi|sabahı|akşamı|öğleden|sonra|gece|sabah|akşam",
                     past="geçen|geçtiğimiz", report_day="gece yarısı|gece yarısından|bu sabah|bu gece|bu akşam"),
    "fa": _Particles(leading="در|روز|از|شب|صبح|بامداد", past="گذشته", report_day="نیمه شب|امروز صبح"),
}
_NO_PARTICLES = _Particles(leading="")

_EDGE_PUNCTUATION = ".,;:!?()[]\"'«»“”„،؛"
# Spellings that vary between writers of one language: apostrophes, Arabic hamza seats, ta marbuta, harakat.
_SPELLINGS = str.maketrans({"’": "'", "ʼ": "'", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "\u0640": None,
                            **{chr(c): None for c in range(0x064B, 0x0653)}})


def resolve_date(text: str, lang: str, report_date: str | _dt.date | None) -> ResolvedDate:
    """The day a DATE span names, relative to `report_date` (ISO 8601, or a date; None when unknown)."""
    base = None if report_date is None else _dt.date.fromisoformat(str(report_date)[:10])
    words = text.split()
    keys = [_key(word, lang) for word in words]
    if weekdays := _weekdays(keys, lang):
        return _weekday_date(weekdays, keys, lang, base)
    return _named_date(text, words, keys, lang, base)


# ---------------------------------------------------------------------------------------------- words

def _key(word: str, lang: str) -> str:
    """`word` as the tables below spell it."""
    word = unicodedata.normalize("NFKC", word).strip(_EDGE_PUNCTUATION)
    if lang == "tr":  # Turkish dotted and dotless i; a case ending after an apostrophe (Salı'yı)
        word = word.replace("I", "ı").replace("İ", "i").replace("’", "'").split("'")[0]
    return word.lower().translate(_SPELLINGS)


@dataclass(frozen=True)
class _Keys:
    leading: frozenset[str]
    trailing: frozenset[str]
    past: frozenset[str]
    report_day: frozenset[str]
    weekdays: dict[str, int]  # name -> date.weekday()


@lru_cache(maxsize=None)
def _keys(lang: str) -> _Keys:
    particles = _PARTICLES.get(lang, _NO_PARTICLES)

    def keyed(written: str) -> frozenset[str]:
        return frozenset(" ".join(_key(w, lang) for w in phrase.split()) for phrase in written.split("|") if phrase)

    extra_weekdays = {name: day for day, written in enumerate(particles.weekdays) for name in keyed(written)}
    return _Keys(keyed(particles.leading), keyed(particles.trailing), keyed(particles.past),
                 keyed(particles.report_day), {**_weekday_names(lang), **extra_weekdays})


def _weekday_names(lang: str) -> dict[str, int]:
    """dateparser's names of the weekdays in `lang`."""
    try:
        info = default_loader.get_locale(lang).info
    except ValueError:  # a language dateparser does not know
        return {}
    return {_key(name, lang): day for day, weekday in enumerate(_WEEKDAYS) for name in info.get(weekday, [])
            if len(name) >= _MIN_WEEKDAY_NAME}


# ---------------------------------------------------------------------------------------------- weekdays

def _weekdays(keys: list[str], lang: str) -> list[int]:
    """The weekdays the words name, in order; none where a figure is written (`Saturday 9 March` is a date)."""
    if any(ch.isdigit() for key in keys for ch in key):
        return []
    known = _keys(lang)
    return [day for key in keys if (day := _weekday(key, known)) is not None]


def _weekday(key: str, known: _Keys) -> int | None:
    if key in known.weekdays:
        return known.weekdays[key]
    for name, day in known.weekdays.items():  # a German compound: Mittwochabend
        if key.startswith(name) and key[len(name):] in known.trailing:
            return day
    return None


def _weekday_date(weekdays: list[int], keys: list[str], lang: str, base: _dt.date | None) -> ResolvedDate:
    day = weekdays[-1]
    name = _WEEKDAYS[day].capitalize()
    if base is None:
        return ResolvedDate(None, False, f"names a weekday ({name}) and there is no report date to count back from")
    strictly_before = any(key in _keys(lang).past for key in keys)
    days_back = (base.weekday() - day) % 7 or (7 if strictly_before else 0)
    iso = (base - _dt.timedelta(days=days_back)).isoformat()
    if len(weekdays) > 1:
        return ResolvedDate(iso, False, f"names several weekdays; dated to the last of them, {name}")
    when = "before" if strictly_before else "on or before"
    return ResolvedDate(iso, True, f"the last {name} {when} the report date")


# ---------------------------------------------------------------------------------------------- other dates

def _named_date(text: str, words: list[str], keys: list[str], lang: str, base: _dt.date | None) -> ResolvedDate:
    known = _keys(lang)
    start = 0
    while len(words) - start > 1 and keys[start] in known.leading:
        start += 1
    end = len(words)
    while end - start > 1 and keys[end - 1] in known.trailing:
        end -= 1
    # Stripped first, then less: some particles belong to the expression (`last night`, `la semaine dernière`).
    for first, stop in dict.fromkeys([(start, end), (start, len(words)), (0, end), (0, len(words))]):
        if " ".join(keys[first:stop]) in known.report_day:
            return _report_day(text, base)
        if (resolved := _parsed(" ".join(words[first:stop]), lang, base)) is not None:
            return resolved
    if base is None:
        return ResolvedDate(None, False, f"could not read {text!r} and there is no report date")
    return ResolvedDate(base.isoformat(), False, f"could not read {text!r}; dated to the report date")


def _report_day(text: str, base: _dt.date | None) -> ResolvedDate:
    if base is None:
        return ResolvedDate(None, False, f"{text!r} names the report day and there is no report date")
    return ResolvedDate(base.isoformat(), True, f"{text!r} names the report day")


def _parsed(phrase: str, lang: str, base: _dt.date | None) -> ResolvedDate | None:
    """`phrase` read by dateparser, or None where it reads nothing."""
    if base is not None:
        return _from_dateparser(phrase, _date_data(phrase, lang, base))
    readings = [_date_data(phrase, lang, probe) for probe in _PROBE_BASES]
    if any(data is None or data.date_obj is None for data in readings):
        return None
    if readings[0].date_obj != readings[1].date_obj:
        return ResolvedDate(None, False, f"{phrase!r} is relative and there is no report date")
    return _from_dateparser(phrase, readings[0], absolute=True)


def _from_dateparser(phrase: str, data: DateData | None, absolute: bool = False) -> ResolvedDate | None:
    if data is None or data.date_obj is None:
        return None
    iso = data.date_obj.date().isoformat()
    read = f"dateparser read {phrase!r}" + (", an absolute date" if absolute else "")
    if data.period in ("day", "time"):
        return ResolvedDate(iso, True, read)
    return ResolvedDate(iso, False, f"{read}, which names a {data.period}; dated to dateparser's day in it")


def _date_data(phrase: str, lang: str, base: _dt.date) -> DateData | None:
    """dateparser's DateData for `phrase` against `base`, or None for a language dateparser does not know."""
    settings = {"RELATIVE_BASE": _dt.datetime.combine(base, _dt.time()), "PREFER_DATES_FROM": "past"}
    try:
        return DateDataParser(languages=[lang], settings=settings).get_date_data(phrase)
    except ValueError:
        return None
