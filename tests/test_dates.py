from __future__ import annotations

import datetime as dt

import pytest

from eventcoder.inference.dates import resolve_date
from eventcoder.schema import ResolvedDate

REPORT = "2024-03-14"  # a Thursday

# (span text, lang, the day it resolves to against REPORT, whether that day is exact)
AGAINST_THE_REPORT_DATE = [
    # English
    ("yesterday", "en", "2024-03-13", True), ("on Saturday", "en", "2024-03-09", True),
    ("Saturday", "en", "2024-03-09", True), ("early on Saturday", "en", "2024-03-09", True),
    ("Thursday", "en", "2024-03-14", True), ("last Thursday", "en", "2024-03-07", True),
    ("on 12 March", "en", "2024-03-12", True), ("12 March 2024", "en", "2024-03-12", True),
    ("on 15 March", "en", "2023-03-15", True), ("since midnight", "en", "2024-03-14", True),
    ("last night", "en", "2024-03-13", True), ("late last night", "en", "2024-03-13", True),
    ("the day before yesterday", "en", "2024-03-12", True), ("Saturday, 9 March", "en", "2024-03-09", True),
    ("2024-03-09", "en", "2024-03-09", True), ("last week", "en", "2024-03-07", False),
    ("March 2024", "en", "2024-03-14", False), ("overnight", "en", "2024-03-14", False),
    ("at dawn", "en", "2024-03-14", False),
    # German
    ("am Mittwoch", "de", "2024-03-13", True), ("in der Nacht zu Donnerstag", "de", "2024-03-14", True),
    ("am vergangenen Donnerstag", "de", "2024-03-07", True), ("Mittwochabend", "de", "2024-03-13", True),
    ("gestern", "de", "2024-03-13", True), ("gestern Abend", "de", "2024-03-13", True),
    ("heute Morgen", "de", "2024-03-14", True), ("am 12. März", "de", "2024-03-12", True),
    ("seit Mitternacht", "de", "2024-03-14", True), ("letzte Woche", "de", "2024-03-07", False),
    # French
    ("mardi dernier", "fr", "2024-03-12", True), ("jeudi dernier", "fr", "2024-03-07", True),
    ("jeudi", "fr", "2024-03-14", True), ("dans la nuit de lundi à mardi", "fr", "2024-03-12", False),
    ("hier soir", "fr", "2024-03-13", True), ("le 12 mars", "fr", "2024-03-12", True),
    ("depuis minuit", "fr", "2024-03-14", True), ("ce matin", "fr", "2024-03-14", True),
    ("la semaine dernière", "fr", "2024-03-07", False),
    # Spanish
    ("el pasado martes", "es", "2024-03-12", True), ("martes", "es", "2024-03-12", True),
    ("jueves", "es", "2024-03-14", True), ("la madrugada del domingo", "es", "2024-03-10", True),
    ("ayer por la tarde", "es", "2024-03-13", True), ("el 12 de marzo", "es", "2024-03-12", True),
    ("desde la medianoche", "es", "2024-03-14", True), ("la semana pasada", "es", "2024-03-07", False),
    # Arabic
    ("في يوم الأربعاء", "ar", "2024-03-13", True), ("الاربعاء", "ar", "2024-03-13", True),
    ("يوم الخميس الماضي", "ar", "2024-03-07", True), ("أمس", "ar", "2024-03-13", True),
    ("مساء أمس", "ar", "2024-03-13", True), ("فجر اليوم", "ar", "2024-03-14", True),
    ("12 مارس", "ar", "2024-03-12", True), ("الأسبوع الماضي", "ar", "2024-03-07", False),
    # Russian
    ("в среду", "ru", "2024-03-13", True), ("в прошлый четверг", "ru", "2024-03-07", True),
    ("в ночь на четверг", "ru", "2024-03-14", True), ("в ночь со среды на четверг", "ru", "2024-03-14", False),
    ("вчера", "ru", "2024-03-13", True), ("вчера вечером", "ru", "2024-03-13", True),
    ("12 марта", "ru", "2024-03-12", True), ("на прошлой неделе", "ru", "2024-03-07", False),
    # Ukrainian
    ("у вівторок", "uk", "2024-03-12", True), ("у п’ятницю", "uk", "2024-03-08", True),
    ("у ніч проти середи", "uk", "2024-03-13", True), ("вчора", "uk", "2024-03-13", True),
    ("12 березня", "uk", "2024-03-12", True), ("минулого тижня", "uk", "2024-03-07", False),
    # Turkish
    ("Salı günü", "tr", "2024-03-12", True), ("Perşembe günü", "tr", "2024-03-14", True),
    ("geçen perşembe", "tr", "2024-03-07", True), ("dün", "tr", "2024-03-13", True),
    ("dün gece", "tr", "2024-03-13", True), ("bu sabah", "tr", "2024-03-14", True),
    ("12 Mart", "tr", "2024-03-12", True), ("geçen hafta", "tr", "2024-03-07", False),
]


@pytest.mark.parametrize("text, lang, iso, exact", AGAINST_THE_REPORT_DATE)
def test_resolves_against_the_report_date(text: str, lang: str, iso: str, exact: bool) -> None:
    resolved = resolve_date(text, lang, REPORT)
    assert (resolved.iso, resolved.exact) == (iso, exact), resolved.note


# (span text, lang, the day it resolves to without a report date): only absolute dates resolve
WITHOUT_A_REPORT_DATE = [
    ("12 March 2024", "en", "2024-03-12"), ("12. März 2024", "de", "2024-03-12"), ("12 mars 2024", "fr", "2024-03-12"),
    ("12 марта 2024 года", "ru", "2024-03-12"), ("yesterday", "en", None), ("on Saturday", "en", None),
    ("12 March", "en", None), ("since midnight", "de", None), ("overnight", "en", None),
]


@pytest.mark.parametrize("text, lang, iso", WITHOUT_A_REPORT_DATE)
def test_without_a_report_date_only_absolute_dates_resolve(text: str, lang: str, iso: str | None) -> None:
    resolved = resolve_date(text, lang, None)
    assert (resolved.iso, resolved.exact) == (iso, iso is not None), resolved.note


def test_an_unread_span_falls_back_to_the_report_date_and_says_so() -> None:
    assert resolve_date("at dawn", "en", REPORT) == ResolvedDate(
        "2024-03-14", False, "could not read 'at dawn'; dated to the report date")
    assert "no report date" in resolve_date("at dawn", "en", None).note


@pytest.mark.parametrize("report_date", ["2024-03-14", "2024-03-14T09:30:00", dt.date(2024, 3, 14)])
def test_the_report_date_may_be_a_date_a_datetime_string_or_a_date(report_date: str | dt.date) -> None:
    assert resolve_date("yesterday", "en", report_date).iso == "2024-03-13"


def test_a_language_dateparser_does_not_know_falls_back() -> None:
    resolved = resolve_date("yesterday", "xx", REPORT)
    assert (resolved.iso, resolved.exact) == ("2024-03-14", False)
