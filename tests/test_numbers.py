from __future__ import annotations

import pytest

from eventcoder.inference.numbers import normalize, stated_value
from eventcoder.schema import Estimate

# (span text, lang, the value guidelines section 3 gives it)
STATED = [
    # English
    ("at least 24", "en", 24), ("More than 140", "en", 140), ("nearly 24", "en", 24), ("about 24", "en", 24),
    ("24", "en", 24), ("two", "en", 2), ("a", "en", 1), ("an", "en", 1), ("One", "en", 1), ("another", "en", 1),
    ("another two", "en", 2), ("two more", "en", 2), ("a dozen", "en", 12), ("more than a dozen", "en", 12),
    ("two dozen", "en", 24), ("between three and eight", "en", 3), ("between 320 and 400", "en", 320),
    ("3-8", "en", 3), ("3–8", "en", 3), ("one or two", "en", 1), ("up to 100", "en", 100),
    ("as many as 30", "en", 30), ("Ninety-three", "en", 93), ("one hundred and twenty", "en", 120),
    ("a hundred", "en", 100), ("2 million", "en", 2_000_000), ("over 1,000", "en", 1000), ("24+", "en", 24),
    ("some 200", "en", 200), ("thirty or so", "en", 30), ("the two", "en", 2), ("24 soldiers", "en", 24),
    ("dozens", "en", None), ("Dozens", "en", None), ("tens", "en", None), ("hundreds", "en", None),
    ("scores", "en", None), ("several", "en", None), ("many", "en", None), ("some", "en", None),
    ("a significant number", "en", None), ("tens of thousands", "en", None), ("several hundred", "en", None),
    ("24 12", "en", None), ("1,2", "en", None), ("", "en", None), ("people", "en", None),
    # digits in every script and grouping
    ("1,234", "en", 1234), ("1.234", "de", 1234), ("1 234", "fr", 1234), ("1\u00a0234", "fr", 1234),
    ("1\u202f234", "fr", 1234), ("12 000", "fr", 12000), ("٢٤", "ar", 24), ("١٬٢٣٤", "ar", 1234),
    ("۲۴", "fa", 24), ("1,234.567", "en", None),
    # German
    ("zehn", "de", 10), ("Zehn", "de", 10), ("mindestens vier", "de", 4), ("Eine", "de", 1), ("ein", "de", 1),
    ("einem", "de", 1), ("fast 100", "de", 100), ("knapp 50", "de", 50), ("rund 2000", "de", 2000),
    ("mehr als 1.200", "de", 1200), ("über 50", "de", 50), ("bis zu 80", "de", 80),
    ("zwischen drei und acht", "de", 3), ("mehr als ein Dutzend", "de", 12), ("zwei Dutzend", "de", 24),
    ("einundzwanzig", "de", 21), ("zweihundert", "de", 200), ("zwei weitere", "de", 2),
    ("Dutzende", "de", None), ("Dutzenden", "de", None), ("Hunderte", "de", None), ("mehrere", "de", None),
    ("mehreren", "de", None), ("zahlreiche", "de", None), ("Zehntausende", "de", None), ("ein paar", "de", None),
    # French
    ("une vingtaine", "fr", 20), ("Une dizaine", "fr", 10), ("une douzaine", "fr", 12),
    ("plus d'une vingtaine", "fr", 20), ("plus d’une centaine", "fr", 100), ("près de 3 000", "fr", 3000),
    ("entre trois et huit", "fr", 3), ("jusqu'à 250", "fr", 250), ("Au moins cinq", "fr", 5),
    ("environ 30", "fr", 30), ("quatre-vingt-dix", "fr", 90), ("Trente et une", "fr", 31), ("deux cents", "fr", 200),
    ("un", "fr", 1), ("une", "fr", 1), ("deux autres", "fr", 2),
    ("plusieurs", "fr", None), ("dizaines", "fr", None), ("des dizaines", "fr", None),
    ("plusieurs dizaines", "fr", None), ("centaines", "fr", None), ("de nombreux", "fr", None),
    ("quelques", "fr", None),
    # Spanish
    ("al menos tres", "es", 3), ("Más de 2.500", "es", 2500), ("casi 50", "es", 50), ("cerca de 200", "es", 200),
    ("unos 20", "es", 20), ("unas 2.800", "es", 2800), ("hasta cuatro", "es", 4), ("veinticuatro", "es", 24),
    ("veintiún", "es", 21), ("ochenta y uno", "es", 81), ("entre tres y ocho", "es", 3), ("de 3 a 8", "es", 3),
    ("una docena", "es", 12), ("al menos una docena", "es", 12), ("más de un centenar", "es", 100),
    ("una veintena", "es", 20), ("otros dieciséis", "es", 16), ("12 más", "es", 12), ("al menos a 16", "es", 16),
    ("un cuarto", "es", 1), ("dos mil quinientos", "es", 2500),
    ("decenas", "es", None), ("varios", "es", None), ("varios cientos", "es", None), ("cientos", "es", None),
    ("miles", "es", None), ("unos cuantos", "es", None),
    # Portuguese
    ("pelo menos doze", "pt", 12), ("Cinquenta e dois", "pt", 52), ("cerca de 3 000", "pt", 3000),
    ("uma dezena", "pt", 10), ("dezenas", "pt", None), ("vários", "pt", None),
    # Arabic
    ("ما لا يقل عن 10", "ar", 10), ("ما لا يقل عن تسعة", "ar", 9), ("أكثر من 100", "ar", 100),
    ("أكثر من ثلاثة آلاف", "ar", 3000), ("أكثر من ألفي", "ar", 2000), ("نحو عشرين", "ar", 20),
    ("قرابة 4000", "ar", 4000), ("حوالي 30", "ar", 30), ("21 على الأقل", "ar", 21), ("بين 100 و300", "ar", 100),
    ("بين ثلاثة وثمانية", "ar", 3), ("من 3 إلى 8", "ar", 3), ("حتى 50", "ar", 50), ("خمسة وعشرون", "ar", 25),
    ("ثلاثة عشر", "ar", 13), ("أحد عشر", "ar", 11), ("اثنا عشر", "ar", 12), ("مائة وخمسون", "ar", 150),
    ("ثلاثمائة", "ar", 300), ("الثلاثة", "ar", 3), ("اثنين", "ar", 2), ("مئة", "ar", 100),
    ("طفل", "ar", 1), ("طفلاً", "ar", 1), ("امرأة", "ar", 1), ("جنديين", "ar", 2), ("جنديان", "ar", 2),
    ("امرأتين", "ar", 2), ("الطفلين", "ar", 2), ("سجين", "ar", 1), ("إنسان", "ar", 1),
    ("عشرات", "ar", None), ("العشرات", "ar", None), ("مئات", "ar", None), ("آلاف", "ar", None),
    ("عدد من", "ar", None), ("عدداً من", "ar", None), ("بضع عشرات", "ar", None), ("عشرات الآلاف", "ar", None),
    # Russian
    ("не менее 15", "ru", 15), ("не менее девяти", "ru", 9), ("более 100", "ru", 100),
    ("более чем ста", "ru", 100), ("около 10", "ru", 10), ("почти 300", "ru", 300), ("до 50", "ru", 50),
    ("по меньшей мере трёх", "ru", 3), ("свыше 2,6 тысячи", "ru", 2600), ("около сотни", "ru", 100),
    ("более десятка", "ru", 10), ("два десятка", "ru", 20), ("от 3 до 8", "ru", 3), ("от трёх до восьми", "ru", 3),
    ("двое-трое", "ru", 2), ("двадцать пять", "ru", 25), ("сто двадцать", "ru", 120), ("две тысячи", "ru", 2000),
    ("пятерых", "ru", 5), ("Двое", "ru", 2), ("одном", "ru", 1), ("ещё 12", "ru", 12), ("пять человек", "ru", 5),
    ("священник", "ru", 1), ("ребёнок", "ru", 1), ("полицейского", "ru", 1), ("инспектор ДПС", "ru", 1),
    ("люди", "ru", None), ("мирные жители", "ru", None), ("раненых", "ru", None), ("десятки", "ru", None), ("десятков", "ru", None),
    ("сотни", "ru", None), ("тысячи", "ru", None), ("несколько", "ru", None), ("несколькими", "ru", None),
    ("десятки тысяч", "ru", None),
    # Ukrainian
    ("щонайменше 12", "uk", 12), ("понад 170", "uk", 170), ("близько 2 700", "uk", 2700), ("майже 100", "uk", 100),
    ("до 40", "uk", 40), ("понад сотню", "uk", 100), ("від 3 до 8", "uk", 3), ("між трьома і вісьмома", "uk", 3),
    ("п'ятеро", "uk", 5), ("п’ятьох", "uk", 5), ("дев'ятеро", "uk", 9), ("двох", "uk", 2), ("дві", "uk", 2),
    ("двадцять три", "uk", 23), ("Одному", "uk", 1), ("жінка", "uk", 1), ("дитину", "uk", 1),
    ("діти", "uk", None), ("мирні", "uk", None), ("поранених", "uk", None), ("десятки", "uk", None), ("кілька", "uk", None),
    ("кількох", "uk", None), ("сотні", "uk", None),
    # Turkish
    ("en az 16", "tr", 16), ("En az 39", "tr", 39), ("100'den fazla", "tr", 100), ("160'tan fazla", "tr", 160),
    ("100'ü aşkın", "tr", 100), ("30'a yakın", "tr", 30), ("yaklaşık 300", "tr", 300), ("100'e kadar", "tr", 100),
    ("ondan fazla", "tr", 10), ("yirmiye kadar", "tr", 20), ("iki", "tr", 2), ("İki", "tr", 2), ("bir", "tr", 1),
    ("yirmi beş", "tr", 25), ("iki yüz", "tr", 200), ("bin iki yüz", "tr", 1200), ("toplam 139", "tr", 139),
    ("3 ile 8 arasında", "tr", 3),
    ("onlarca", "tr", None), ("Yüzlerce", "tr", None), ("birkaç", "tr", None), ("çok sayıda", "tr", None),
    ("bazı", "tr", None), ("on binlerce", "tr", None),
    # Persian
    ("دست کم ۱۰", "fa", 10), ("بیست و پنج", "fa", 25), ("۳ تا ۸", "fa", 3), ("ده‌ها", "fa", None),
    # Urdu and Hausa (Hausa puts the multiplier first: ɗari biyu = 200, ɗari da biyu = 102)
    ("ایک", "ur", 1), ("دو", "ur", 2), ("کم از کم 38", "ur", 38), ("200 سے زائد", "ur", 200),
    ("440 کے قریب", "ur", 440), ("دو سے تین", "ur", 2), ("متعدد", "ur", None), ("درجنوں", "ur", None),
    ("akalla 23", "ha", 23), ("akalla bakwai", "ha", 7), ("huɗu", "ha", 4), ("hudu", "ha", 4),
    ("fiye da 30", "ha", 30), ("goma sha biyu", "ha", 12), ("ashirin da biyar", "ha", 25),
    ("ɗari biyu", "ha", 200), ("ɗari da biyu", "ha", 102), ("dubu uku", "ha", 3000), ("Gommai", "ha", None),
    ("da dama", "ha", None),
    # a span drawn too wide at its start: the words before the count are dropped, never a numeral
    ("only three", "en", 3), ("allein 260", "de", 260), ("au total plus de 80", "fr", 80),
    ("وأكثر من 60", "ar", 60), ("24 12", "en", None), ("the dozens", "en", None),
    # a language without vocabulary: its lone number
    ("angalau 23", "sw", 23), ("23", "sw", 23), ("23 24", "sw", None),
]


@pytest.mark.parametrize("text, lang, expected", STATED)
def test_stated_value(text: str, lang: str, expected: int | None) -> None:
    assert stated_value(text, lang) == expected


# (span text, lang, (low, best, high)) by the conventions in eventcoder.inference.numbers
ESTIMATES = [
    # exact
    ("24", "en", (24, 24, 24)), ("two dozen", "en", (24, 24, 24)), ("zehn", "de", (10, 10, 10)),
    ("جنديين", "ar", (2, 2, 2)), ("священник", "ru", (1, 1, 1)), ("1.018", "es", (1018, 1018, 1018)),
    # at least, more than
    ("at least 24", "en", (24, 24, None)), ("more than 100", "en", (100, 100, None)), ("24+", "en", (24, 24, None)),
    ("mindestens vier", "de", (4, 4, None)), ("plus d'une vingtaine", "fr", (20, 20, None)),
    ("más de 100", "es", (100, 100, None)), ("ما لا يقل عن 12", "ar", (12, 12, None)),
    ("не менее 15", "ru", (15, 15, None)), ("сто с лишним", "ru", (100, 100, None)),
    ("понад 170", "uk", (170, 170, None)), ("100'den fazla", "tr", (100, 100, None)),
    # nearly: low a tenth under
    ("nearly 100", "en", (90, 100, 100)), ("almost 3", "en", (2, 3, 3)), ("fast 500", "de", (450, 500, 500)),
    ("près de 3 000", "fr", (2700, 3000, 3000)), ("casi 50", "es", (45, 50, 50)),
    ("قرابة 4000", "ar", (3600, 4000, 4000)), ("почти 300", "ru", (270, 300, 300)),
    ("майже 100", "uk", (90, 100, 100)), ("30'a yakın", "tr", (27, 30, 30)),
    # about: a tenth either way, at least 1
    ("about 100", "en", (90, 100, 110)), ("around 24", "en", (22, 24, 26)), ("~30", "en", (27, 30, 33)),
    ("about 3", "en", (2, 3, 4)), ("rund 2000", "de", (1800, 2000, 2200)), ("une vingtaine", "fr", (18, 20, 22)),
    ("une dizaine", "fr", (9, 10, 11)), ("unos 20", "es", (18, 20, 22)), ("una veintena", "es", (18, 20, 22)),
    ("نحو 20", "ar", (18, 20, 22)), ("около сотни", "ru", (90, 100, 110)), ("два десятка", "ru", (18, 20, 22)),
    ("близько 30", "uk", (27, 30, 33)), ("yaklaşık 300", "tr", (270, 300, 330)), ("100 kadar", "tr", (90, 100, 110)),
    ("حدود ۵۰", "fa", (45, 50, 55)),
    # up to, fewer than: a ceiling only
    ("up to 100", "en", (None, None, 100)), ("fewer than 10", "en", (None, None, 10)),
    ("bis zu 80", "de", (None, None, 80)), ("jusqu'à 250", "fr", (None, None, 250)),
    ("hasta 100", "es", (None, None, 100)), ("حتى 50", "ar", (None, None, 50)), ("до 50", "ru", (None, None, 50)),
    ("до 40", "uk", (None, None, 40)), ("100'e kadar", "tr", (None, None, 100)),
    ("yirmiye kadar", "tr", (None, None, 20)), ("تا ۲۰", "fa", (None, None, 20)),
    # ranges: the bounds and their midpoint
    ("between three and eight", "en", (3, 5, 8)), ("3-8", "en", (3, 5, 8)), ("one or two", "en", (1, 1, 2)),
    ("zwischen drei und acht", "de", (3, 5, 8)), ("entre trois et huit", "fr", (3, 5, 8)),
    ("entre tres y ocho", "es", (3, 5, 8)), ("بين 100 و300", "ar", (100, 200, 300)),
    ("от 3 до 8", "ru", (3, 5, 8)), ("від 3 до 8", "uk", (3, 5, 8)), ("3 ile 8 arasında", "tr", (3, 5, 8)),
    # vague: the least the word can mean, nothing more
    ("dozens", "en", (24, None, None)), ("tens", "en", (20, None, None)), ("scores", "en", (40, None, None)),
    ("hundreds", "en", (200, None, None)), ("thousands", "en", (2000, None, None)),
    ("tens of thousands", "en", (20000, None, None)), ("several", "en", (3, None, None)),
    ("many", "en", (3, None, None)), ("a few", "en", (2, None, None)), ("several dozen", "en", (36, None, None)),
    ("Dutzende", "de", (24, None, None)), ("Hunderte", "de", (200, None, None)), ("mehrere", "de", (3, None, None)),
    ("zahlreiche", "de", (3, None, None)), ("einige", "de", (2, None, None)), ("plusieurs", "fr", (3, None, None)),
    ("dizaines", "fr", (20, None, None)), ("plusieurs dizaines", "fr", (30, None, None)),
    ("decenas", "es", (20, None, None)), ("cientos de miles", "es", (200000, None, None)),
    ("عشرات", "ar", (20, None, None)), ("عدد من", "ar", (2, None, None)), ("العديد من", "ar", (3, None, None)),
    ("десятки", "ru", (20, None, None)), ("сотни", "ru", (200, None, None)), ("несколько", "ru", (3, None, None)),
    ("кілька", "uk", (3, None, None)), ("десятки", "uk", (20, None, None)), ("onlarca", "tr", (20, None, None)),
    ("düzinelerce", "tr", (24, None, None)), ("çok sayıda", "tr", (3, None, None)),
    ("ده‌ها", "fa", (20, None, None)), ("dezenas", "pt", (20, None, None)),
    # nothing read; a lone number in a language without vocabulary is the best figure only
    ("people", "en", (None, None, None)), ("люди", "ru", (None, None, None)), ("angalau 23", "sw", (None, 23, None)),
    ("akalla 23", "ha", (23, 23, None)), ("440 کے قریب", "ur", (396, 440, 440)), ("وأكثر من 60", "ar", (60, 60, None)),
    ("au total plus de 80", "fr", (80, 80, None)), ("the dozens", "en", (24, None, None)),
]


@pytest.mark.parametrize("text, lang, expected", ESTIMATES)
def test_normalize(text: str, lang: str, expected: tuple[int | None, int | None, int | None]) -> None:
    assert normalize(text, lang) == Estimate(*expected)


@pytest.mark.parametrize("text, lang, stated", [case for case in STATED if case[2] is not None])
def test_the_stated_value_lies_within_the_estimate(text: str, lang: str, stated: int) -> None:
    estimate = normalize(text, lang)
    assert estimate.low is None or estimate.low <= stated
    assert estimate.high is None or stated <= estimate.high


@pytest.mark.parametrize("text, lang", [(text, lang) for text, lang, stated in STATED if stated is None])
def test_a_span_without_a_stated_value_has_no_best_figure(text: str, lang: str) -> None:
    assert normalize(text, lang).best is None
