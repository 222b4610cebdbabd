"""Casualty count expressions (the text of a KILLED, INJURED or CAPTURED span) → numbers.

Two views of one reading of the span:

- `stated_value(text, lang)`: the integer the guidelines (section 3) give the span, or None for a vague quantity.
  Approximators do not change it (`at least 24`, `nearly 24`, `up to 24` → 24); a range gives its lower bound;
  `a`, `Eine`, a bare Russian or Ukrainian singular noun (`священник`) and an Arabic singular noun (`طفل`) → 1,
  an Arabic dual (`جنديين`) → 2.
- `normalize(text, lang)`: an `Estimate(low, best, high)` for analysts, by the conventions below.

Conventions. N is the stated integer; the margin is a tenth of N, rounded down, and at least 1.

| the span says                                     | low        | best | high       |
|---------------------------------------------------|------------|------|------------|
| exact: `24`, `two`, `a dozen`, `جنديين`           | N          | N    | N          |
| at least: `at least 24`, `more than 24`, `24+`    | N          | N    | None       |
| nearly: `nearly 100`, `fast 100`, `почти 100`     | N − margin | N    | N          |
| about: `about 100`, `rund 100`, `une vingtaine`   | N − margin | N    | N + margin |
| up to: `up to 100`, `fewer than 100`, `bis zu 100`| None       | None | N          |
| range: `between 3 and 8`, `3-8`, `от 3 до 8`      | 3          | 5    | 8          |
| vague: `dozens`, `mehrere`, `عشرات`, `onlarca`    | floor      | None | None       |

- exact: the text states it.
- at least: N is guaranteed and no ceiling is given; "more than" rounds, so N + 1 would invent precision.
- nearly: just under a round figure, rarely by more than a tenth.
- about: a round figure that may be off either way (French -aine and Spanish -ena nouns say "about").
- up to: a ceiling only; the text gives no floor and no estimate (its stated value stays N).
- range: both bounds are stated; the midpoint, rounded down, is the least biased single figure.
- vague: the least the word can mean (floors below); it states no figure and no ceiling.

Vague floors, the least each word can mean, since analysts need a conservative low:

- 2, the smallest plural: a few, some, a number of, einige, quelques, algunos, عدد من, bazı, چند.
- 3, "several" being more than two and "many" at least as many: several, many, numerous, mehrere, zahlreiche,
  plusieurs, varios, несколько, кілька, عدة, العديد, birkaç, çok sayıda.
- two of the unit: tens 20 (dizaines, decenas, десятки, عشرات, onlarca, ده‌ها), dozens 24 (Dutzende,
  düzinelerce), scores 40, hundreds 200 (Hunderte, centaines, сотни, مئات, yüzlerce), thousands 2000, tens of
  thousands 20 000, hundreds of thousands 200 000.
- three of the unit after "several" (plusieurs dizaines 30, several dozen 36, несколько сотен 300), two after
  "a few" (quelques dizaines 20).

Languages. en, de, fr, es, pt read number words with text2num (which covers them; it has no Arabic, Russian,
Ukrainian, Turkish, Persian, Urdu or Hausa); ar, ru, uk, tr, fa, ur and ha have their own tables below: 1–19
(Hausa: 1–10 and `goma sha biyu`), tens, hundreds, thousand, million, their compounds and the case forms spans
take (`пятерых`, `двох`, `ondan`, `الثلاثة`). Urdu's 21–99 are single words that the table leaves out (reports
write them in digits). All read digits
in any script (`١٢`, `۱۲`) with any grouping (`1,234`, `1.234`, `1 234`, no-break spaces). Other languages
read a lone number only: exact when the span is nothing else, else best N with no bounds, since its words may
qualify it in ways this module cannot tell. Words that do not change a count are skipped (`another two`,
`otros tres`, `toplam 139`); a span drawn too wide may end in the noun it counts (`24 soldiers` → 24) or begin
with words that are no part of the count (`only three` → 3).

Limitations: an Arabic word ending in the dual's ين/ان is read as a dual, though a sound masculine plural
(`مدنيين`) looks the same; the guidelines make a bare noun a casualty span only when it is singular or dual, so
a plural there is already an error. Broken plurals (`قتلى`) read as singulars for the same reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Iterator

from text_to_num import text2num

from ..schema import Estimate

EXACT, AT_LEAST, NEARLY, ABOUT, UP_TO = "exact", "at least", "nearly", "about", "up to"
_MARGIN_DIVISOR = 10  # the margin of `nearly` and `about` is a tenth of the figure

_Words = tuple[str, ...]


def stated_value(text: str, lang: str) -> int | None:
    """The integer a casualty span states (guidelines section 3), or None where it states none."""
    return _read(text, lang).stated


def normalize(text: str, lang: str) -> Estimate:
    """The span's count as low, best and high figures, by the conventions in this module's docstring."""
    return _read(text, lang).estimate


# ---------------------------------------------------------------------------------------------- vocabulary

@dataclass(frozen=True)
class _Vocabulary:
    """One language's words as written; `|` separates alternatives, a space separates the words of a phrase."""

    before: dict[str, str]  # approximator kind -> phrases written before the number
    after: dict[str, str] = field(default_factory=dict)  # ... written after it
    vague: dict[int, str] = field(default_factory=dict)  # floor -> vague quantities
    numbers: dict[int, str] = field(default_factory=dict)  # value -> number words text2num does not read
    exact_units: dict[int, str] = field(default_factory=dict)  # value -> nouns counting in units ("two dozen")
    approximate_units: dict[int, str] = field(default_factory=dict)  # value -> "une vingtaine", "десяток"
    fillers_before: str = ""  # words around a count that do not change it ("another two", "otros tres")
    fillers_after: str = ""  # ("dos más", "zwei weitere")
    range_to: str = "-"  # connectors that make a range on their own ("3 to 8")
    range_and: str = ""  # connectors that make one only after an opener ("between 3 and 8")
    range_open: str = ""
    range_close: str = ""  # Turkish closes a range: "3 ile 8 arasında"
    joiners: str = ""  # words inside one number ("one hundred and twenty")
    text2num: bool = False


_VOCABULARIES: dict[str, _Vocabulary] = {
    "en": _Vocabulary(
        before={AT_LEAST: "at least|no fewer than|no less than|not less than|a minimum of|more than|over|well over|"
                          "upwards of|in excess of|above",
                NEARLY: "nearly|almost|close to|just under|nearing|approaching",
                ABOUT: "about|around|some|approximately|roughly|an estimated|estimated|circa|ca|approx|~",
                UP_TO: "up to|as many as|at most|no more than|a maximum of|fewer than|less than|under|below"},
        after={AT_LEAST: "or more|and more|at least|plus|+", ABOUT: "or so|approximately"},
        vague={2: "a few|few|some|a handful|a number|multiple",
               3: "several|many|numerous|a large number|a significant number|a great many|countless",
               20: "tens", 24: "dozens|a few dozen", 36: "several dozen", 40: "scores",
               200: "hundreds|a few hundred", 300: "several hundred", 2000: "thousands|a few thousand",
               3000: "several thousand", 20000: "tens of thousands", 200000: "hundreds of thousands"},
        numbers={1: "a|an|another"},
        exact_units={12: "dozen"},
        fillers_before="another|other|the|a further|an additional|additional|further", fillers_after="more",
        range_to="to|-|or", range_and="and", range_open="between|from", joiners="and", text2num=True),
    "de": _Vocabulary(
        before={AT_LEAST: "mindestens|wenigstens|zumindest|mehr als|über|weit über|gut|knapp über",
                NEARLY: "fast|beinahe|knapp|nahezu|annähernd|knapp unter",
                ABOUT: "rund|etwa|ungefähr|circa|ca|zirka|schätzungsweise|gegen|um die|an die|~",
                UP_TO: "bis zu|höchstens|maximal|weniger als|unter"},
        after={AT_LEAST: "oder mehr|und mehr|+"},
        vague={2: "einige|einigen|ein paar|wenige",
               3: "mehrere|mehreren|zahlreiche|zahlreichen|viele|vielen|etliche|etlichen|unzählige",
               24: "dutzende|dutzenden|einige dutzend", 36: "mehrere dutzend",
               200: "hunderte|hunderten|einige hundert", 300: "mehrere hundert",
               2000: "tausende|tausenden|einige tausend", 3000: "mehrere tausend",
               20000: "zehntausende|zehntausenden", 200000: "hunderttausende|hunderttausenden"},
        numbers={1: "eine|einen|einem|einer|eines"},
        exact_units={12: "dutzend"},
        fillers_before="weitere|weiteren|weiterer|andere|anderen|insgesamt", fillers_after="weitere|weiteren",
        range_to="bis|-|oder", range_and="und", range_open="zwischen|von", joiners="und", text2num=True),
    "fr": _Vocabulary(
        before={AT_LEAST: "au moins|au minimum|pas moins de|plus de|bien plus de|au-delà de",
                NEARLY: "près de|presque|pratiquement|quasiment|pas loin de|un peu moins de",
                ABOUT: "environ|quelque|autour de|approximativement|à peu près|aux alentours de|~",
                UP_TO: "jusqu'à|au plus|au maximum|moins de"},
        after={AT_LEAST: "au moins|ou plus|et plus|+", ABOUT: "environ"},
        vague={2: "quelques", 3: "plusieurs|nombreux|nombreuses",
               20: "dizaines|quelques dizaines", 30: "plusieurs dizaines",
               200: "centaines|quelques centaines", 300: "plusieurs centaines",
               2000: "milliers|quelques milliers", 3000: "plusieurs milliers",
               20000: "dizaines de milliers", 200000: "centaines de milliers"},
        exact_units={12: "douzaine"},
        approximate_units={10: "dizaine", 15: "quinzaine", 20: "vingtaine", 30: "trentaine", 40: "quarantaine",
                           50: "cinquantaine", 60: "soixantaine", 100: "centaine", 1000: "millier"},
        fillers_before="des|de|les|autres|de autres", fillers_after="autres|de plus|supplémentaires",
        range_to="à|-|ou", range_and="et", range_open="entre|de", joiners="et", text2num=True),
    "es": _Vocabulary(
        before={AT_LEAST: "al menos|por lo menos|como mínimo|más de|mas de|no menos de",
                NEARLY: "casi|cerca de",
                ABOUT: "unos|unas|alrededor de|aproximadamente|en torno a|~",
                UP_TO: "hasta|como máximo|menos de"},
        after={AT_LEAST: "o más|y más|al menos|+", ABOUT: "aproximadamente"},
        vague={2: "algunos|algunas|unos cuantos|unas cuantas|unos pocos|unas pocas|un puñado",
               3: "varios|varias|muchos|muchas|numerosos|numerosas",
               20: "decenas|unas decenas", 30: "varias decenas",
               200: "cientos|centenares|unos cientos|algunos cientos", 300: "varios cientos|varios centenares",
               2000: "miles|unos miles", 3000: "varios miles",
               20000: "decenas de miles", 200000: "cientos de miles"},
        numbers={21: "veintiún"},
        exact_units={12: "docena"},
        approximate_units={10: "decena", 15: "quincena", 20: "veintena", 30: "treintena", 40: "cuarentena",
                           100: "centenar", 1000: "millar"},
        fillers_before="otros|otras|los|las|a|un total de", fillers_after="más",
        range_to="a|-|o", range_and="y", range_open="entre|de", joiners="y", text2num=True),
    "pt": _Vocabulary(
        before={AT_LEAST: "pelo menos|ao menos|no mínimo|mais de",
                NEARLY: "quase|perto de",
                ABOUT: "cerca de|aproximadamente|em torno de|por volta de|uns|umas|~",
                UP_TO: "até|no máximo|menos de"},
        after={AT_LEAST: "ou mais|+"},
        vague={2: "alguns|algumas", 3: "vários|várias|muitos|muitas|numerosos|numerosas",
               20: "dezenas", 30: "várias dezenas", 200: "centenas", 2000: "milhares",
               20000: "dezenas de milhares", 200000: "centenas de milhares"},
        exact_units={12: "dúzia"},
        approximate_units={10: "dezena", 100: "centena", 1000: "milhar"},
        fillers_before="outros|outras|os|as",
        range_to="a|-|ou", range_and="e", range_open="entre|de", joiners="e", text2num=True),
    "ar": _Vocabulary(
        before={AT_LEAST: "ما لا يقل عن|لا يقل عن|على الأقل|أكثر من|ما يزيد عن|ما يزيد على|يزيد عن|يزيد على|"
                          "أزيد من|ما يربو على|يربو على|ما يفوق|يفوق",
                NEARLY: "قرابة|ما يقارب|يقارب|ما يناهز|يناهز|زهاء",
                ABOUT: "نحو|حوالي|حوالى|تقريبا",
                UP_TO: "حتى|ما يصل إلى|يصل إلى|أقل من|لا يزيد عن"},
        after={AT_LEAST: "على الأقل|أو أكثر", ABOUT: "تقريبا"},
        vague={2: "عدد من|عدد|عددا من|عددا|بعض", 3: "عدة|العديد من|العديد|بضعة|بضع|الكثير من|الكثير|كثيرون",
               20: "عشرات|العشرات", 30: "بضع عشرات|عدة عشرات", 200: "مئات|المئات", 300: "بضع مئات|عدة مئات",
               2000: "آلاف|الآلاف", 20000: "عشرات الآلاف", 200000: "مئات الآلاف"},
        numbers={1: "واحد|واحدة|أحد|إحدى", 2: "اثنان|اثنين|اثنتان|اثنتين|اثنا|اثني|اثنتا|اثنتي",
                 3: "ثلاثة|ثلاث", 4: "أربعة|أربع", 5: "خمسة|خمس", 6: "ستة|ست", 7: "سبعة|سبع",
                 8: "ثمانية|ثماني|ثمان", 9: "تسعة|تسع", 10: "عشرة|عشر",
                 20: "عشرون|عشرين", 30: "ثلاثون|ثلاثين", 40: "أربعون|أربعين", 50: "خمسون|خمسين",
                 60: "ستون|ستين", 70: "سبعون|سبعين", 80: "ثمانون|ثمانين", 90: "تسعون|تسعين",
                 100: "مئة|مائة", 200: "مئتان|مئتين|مئتي|مائتان|مائتين|مائتي",
                 300: "ثلاثمئة|ثلاثمائة", 400: "أربعمئة|أربعمائة", 500: "خمسمئة|خمسمائة", 600: "ستمئة|ستمائة",
                 700: "سبعمئة|سبعمائة", 800: "ثمانمئة|ثمانمائة|ثمانيمئة|ثمانيمائة", 900: "تسعمئة|تسعمائة",
                 1000: "ألف|آلاف", 2000: "ألفان|ألفين|ألفي", 10**6: "مليون|ملايين"},
        range_to="-|إلى|أو", range_and="و", range_open="بين|من", joiners="و"),
    "ru": _Vocabulary(
        before={AT_LEAST: "не менее|не меньше|не менее чем|как минимум|по меньшей мере|по крайней мере|минимум|"
                          "более|более чем|больше|больше чем|свыше",
                NEARLY: "почти|почти что|без малого|чуть менее|чуть меньше|едва ли не",
                ABOUT: "около|примерно|приблизительно|порядка|где-то|~",
                UP_TO: "до|вплоть до|менее|менее чем|меньше|не более|не больше|максимум"},
        after={AT_LEAST: "с лишним|с небольшим|+", ABOUT: "примерно"},
        vague={3: "несколько|нескольких|нескольким|несколькими|многие|многих|много|множество|многочисленные|немало",
               20: "десятки|десятков|десятками", 30: "несколько десятков|нескольких десятков",
               200: "сотни|сотен|сотнями", 300: "несколько сотен|нескольких сотен",
               2000: "тысячи|тысячами", 3000: "несколько тысяч|нескольких тысяч",
               20000: "десятки тысяч|десятков тысяч", 200000: "сотни тысяч|сотен тысяч"},
        numbers={1: "один|одна|одно|одного|одной|одну|одному|одним|одном",
                 2: "два|две|двух|двум|двумя|двое|двоих|двоим", 3: "три|трех|трем|тремя|трое|троих|троим",
                 4: "четыре|четырех|четырем|четырьмя|четверо|четверых", 5: "пять|пяти|пятью|пятеро|пятерых",
                 6: "шесть|шести|шестью|шестеро|шестерых", 7: "семь|семи|семью|семеро|семерых",
                 8: "восемь|восьми|восемью|восьмеро|восьмерых", 9: "девять|девяти|девятью|девятеро|девятерых",
                 10: "десять|десяти|десятью|десятеро|десятерых", 11: "одиннадцать|одиннадцати",
                 12: "двенадцать|двенадцати", 13: "тринадцать|тринадцати", 14: "четырнадцать|четырнадцати",
                 15: "пятнадцать|пятнадцати", 16: "шестнадцать|шестнадцати", 17: "семнадцать|семнадцати",
                 18: "восемнадцать|восемнадцати", 19: "девятнадцать|девятнадцати", 20: "двадцать|двадцати",
                 30: "тридцать|тридцати", 40: "сорок|сорока", 50: "пятьдесят|пятидесяти",
                 60: "шестьдесят|шестидесяти", 70: "семьдесят|семидесяти", 80: "восемьдесят|восьмидесяти",
                 90: "девяносто|девяноста", 100: "сто|ста", 200: "двести|двухсот", 300: "триста|трехсот",
                 400: "четыреста|четырехсот", 500: "пятьсот|пятисот", 600: "шестьсот|шестисот",
                 700: "семьсот|семисот", 800: "восемьсот|восьмисот", 900: "девятьсот|девятисот",
                 1000: "тысяча|тысячи|тысяч|тысячу|тысячей", 10**6: "миллион|миллиона|миллионов"},
        exact_units={12: "дюжина|дюжину|дюжины"},
        # сотни is also "hundreds"; alone it reads as that, after an approximator as "a hundred" (около сотни)
        approximate_units={10: "десяток|десятка", 100: "сотня|сотню|сотни"},
        fillers_before="еще|другие|других|всего|в общей сложности",
        range_to="-|до|или", range_and="и", range_open="от|между"),
    "uk": _Vocabulary(
        before={AT_LEAST: "щонайменше|принаймні|не менше|не менше ніж|не менш ніж|як мінімум|мінімум|понад|"
                          "більше|більше ніж|більш ніж",
                NEARLY: "майже|мало не|ледь не|без малого",
                ABOUT: "близько|приблизно|орієнтовно|порядку|біля|~",
                UP_TO: "до|аж до|менше|менше ніж|менш ніж|не більше|не більше ніж|максимум"},
        after={AT_LEAST: "з лишком|з гаком|+"},
        vague={3: "кілька|кількох|кільком|кількома|декілька|декількох|багато|багатьох|чимало|численні|численних",
               20: "десятки|десятків|десятками", 30: "кілька десятків|кількох десятків",
               200: "сотні|сотень|сотнями", 300: "кілька сотень|кількох сотень",
               2000: "тисячі|тисячами", 3000: "кілька тисяч|кількох тисяч",
               20000: "десятки тисяч|десятків тисяч", 200000: "сотні тисяч|сотень тисяч"},
        numbers={1: "один|одна|одне|одного|одної|одну|одному|одній|одним",
                 2: "два|дві|двох|двом|двома|двоє", 3: "три|трьох|трьом|трьома|троє",
                 4: "чотири|чотирьох|чотирьом|чотирма|четверо", 5: "п'ять|п'яти|п'ятьох|п'ятьма|п'ятеро",
                 6: "шість|шести|шістьох|шістьма|шестеро", 7: "сім|семи|сімох|сьома|семеро",
                 8: "вісім|восьми|вісьмох|вісьмома|восьмеро", 9: "дев'ять|дев'яти|дев'ятьох|дев'ятеро",
                 10: "десять|десяти|десятьох|десятеро", 11: "одинадцять|одинадцяти", 12: "дванадцять|дванадцяти",
                 13: "тринадцять|тринадцяти", 14: "чотирнадцять|чотирнадцяти", 15: "п'ятнадцять|п'ятнадцяти",
                 16: "шістнадцять|шістнадцяти", 17: "сімнадцять|сімнадцяти", 18: "вісімнадцять|вісімнадцяти",
                 19: "дев'ятнадцять|дев'ятнадцяти", 20: "двадцять|двадцяти", 30: "тридцять|тридцяти",
                 40: "сорок|сорока", 50: "п'ятдесят|п'ятдесяти", 60: "шістдесят|шістдесяти",
                 70: "сімдесят|сімдесяти", 80: "вісімдесят|вісімдесяти", 90: "дев'яносто|дев'яноста",
                 100: "сто|ста", 200: "двісті|двохсот", 300: "триста|трьохсот", 400: "чотириста|чотирьохсот",
                 500: "п'ятсот|п'ятисот", 600: "шістсот|шестисот", 700: "сімсот|семисот",
                 800: "вісімсот|восьмисот", 900: "дев'ятсот|дев'ятисот", 1000: "тисяча|тисячі|тисяч|тисячу",
                 10**6: "мільйон|мільйона|мільйонів"},
        exact_units={12: "дюжина|дюжину|дюжини"},
        approximate_units={10: "десяток|десятка", 100: "сотня|сотню|сотні"},
        fillers_before="ще|інші|інших|загалом|усього|всього",
        range_to="-|до|або|чи", range_and="і|й|та", range_open="від|між"),
    "tr": _Vocabulary(
        before={AT_LEAST: "en az|en azından|asgari", NEARLY: "neredeyse|hemen hemen",
                ABOUT: "yaklaşık|tahminen|takriben|aşağı yukarı|~", UP_TO: "en fazla|en çok|azami"},
        # Case endings that an apostrophe or the number word carries are separate words here ("100 'e kadar"):
        # the dative makes `kadar` "up to", without it `kadar` is "about".
        after={AT_LEAST: "fazla|aşkın|üzerinde|üstünde|+", NEARLY: "yakın",
               ABOUT: "kadar|civarında|civarı|dolayında", UP_TO: "'e kadar|'a kadar|'ye kadar|'ya kadar|az"},
        vague={2: "bazı", 3: "birkaç|birçok|bir çok|çok sayıda|pek çok|çok|sayısız",
               20: "onlarca", 24: "düzinelerce", 200: "yüzlerce", 2000: "binlerce",
               20000: "on binlerce", 200000: "yüz binlerce"},
        numbers={1: "bir", 2: "iki", 3: "üç", 4: "dört|dörd", 5: "beş", 6: "altı", 7: "yedi", 8: "sekiz",
                 9: "dokuz", 10: "on", 20: "yirmi", 30: "otuz", 40: "kırk", 50: "elli", 60: "altmış",
                 70: "yetmiş", 80: "seksen", 90: "doksan", 100: "yüz", 1000: "bin", 10**6: "milyon"},
        exact_units={12: "düzine"},
        fillers_before="toplam|diğer",
        range_to="-|ila|ile|veya", range_close="arasında|arası"),
    "fa": _Vocabulary(
        before={AT_LEAST: "دست کم|دستکم|حداقل|بیش از|بیشتر از|بالغ بر|متجاوز از",
                NEARLY: "نزدیک به|قریب به", ABOUT: "حدود|حدودا|در حدود|تقریبا|~", UP_TO: "تا|حداکثر|کمتر از"},
        vague={2: "چند|تعدادی|شماری|برخی", 3: "چندین|بسیاری|تعداد زیادی|شمار زیادی",
               20: "ده‌ها", 200: "صدها", 2000: "هزاران", 20000: "ده‌ها هزار"},
        numbers={1: "یک", 2: "دو", 3: "سه", 4: "چهار", 5: "پنج", 6: "شش", 7: "هفت", 8: "هشت", 9: "نه", 10: "ده",
                 11: "یازده", 12: "دوازده", 13: "سیزده", 14: "چهارده", 15: "پانزده", 16: "شانزده",
                 17: "هفده", 18: "هجده|هیجده", 19: "نوزده", 20: "بیست", 30: "سی", 40: "چهل", 50: "پنجاه",
                 60: "شصت", 70: "هفتاد", 80: "هشتاد", 90: "نود", 100: "صد|یکصد", 200: "دویست", 300: "سیصد",
                 400: "چهارصد", 500: "پانصد", 600: "ششصد", 700: "هفتصد", 800: "هشتصد", 900: "نهصد",
                 1000: "هزار", 10**6: "میلیون"},
        range_to="-|تا|یا", range_and="و", range_open="بین|از", joiners="و"),
    "ur": _Vocabulary(
        before={AT_LEAST: "کم از کم|کم سے کم", NEARLY: "قریب|تقریباً", ABOUT: "لگ بھگ|تقریبا|قریباً|~",
                UP_TO: "زیادہ سے زیادہ"},
        after={AT_LEAST: "سے زائد|سے زیادہ|سے اوپر|سے بڑھ کر|+", NEARLY: "کے قریب", ABOUT: "کے لگ بھگ",
               UP_TO: "تک"},
        vague={2: "چند|کچھ", 3: "متعدد|کئی|بہت سے|بہت سی|بے شمار", 20: "دسیوں|درجنوں", 200: "سینکڑوں|سیکڑوں",
               2000: "ہزاروں"},
        numbers={1: "ایک", 2: "دو", 3: "تین", 4: "چار", 5: "پانچ", 6: "چھ|چھے", 7: "سات", 8: "آٹھ", 9: "نو",
                 10: "دس", 11: "گیارہ", 12: "بارہ", 13: "تیرہ", 14: "چودہ", 15: "پندرہ", 16: "سولہ", 17: "سترہ",
                 18: "اٹھارہ", 19: "انیس", 20: "بیس", 30: "تیس", 40: "چالیس", 50: "پچاس", 60: "ساٹھ", 70: "ستر",
                 80: "اسی", 90: "نوے", 100: "سو", 1000: "ہزار", 10**5: "لاکھ", 10**7: "کروڑ"},
        range_to="-|سے|یا|تا"),
    # Hausa in Boko script, hooked letters or not (ɗari, dari); 12 is `goma sha biyu`, 25 `ashirin da biyar`
    "ha": _Vocabulary(
        before={AT_LEAST: "akalla|aƙalla|fiye da|sama da|fin", NEARLY: "kusan|kimanin", UP_TO: "har|har zuwa"},
        vague={2: "wasu", 3: "da dama|dama|masu yawa|mutane da dama", 20: "gommai|goma-goma",
               200: "ɗaruruwa|daruruwa", 2000: "dubbai|dubban"},
        numbers={1: "ɗaya|daya", 2: "biyu", 3: "uku", 4: "huɗu|hudu", 5: "biyar", 6: "shida", 7: "bakwai",
                 8: "takwas", 9: "tara", 10: "goma", 20: "ashirin", 30: "talatin", 40: "arba'in", 50: "hamsin",
                 60: "sittin", 70: "saba'in", 80: "tamanin", 90: "casa'in", 100: "ɗari|dari", 1000: "dubu"},
        range_to="-|zuwa|ko", joiners="sha|da"),
}
_UNKNOWN = _Vocabulary(before={})  # languages without vocabulary read digits only

# Russian and Ukrainian nouns in these endings are plural (or plural adjectives), so carry no count of one.
_PLURAL_ENDINGS = {"ru": ("ы", "и", "ые", "ие", "ых", "их"), "uk": ("и", "і", "ї", "их", "іх")}
_ARABIC_DUAL_ENDINGS = ("تان", "تين", "ان", "ين")
_ARABIC_SINGULARS_ENDING_LIKE_DUALS = frozenset({"انسان"})  # إنسان, as _fold spells it
_TURKISH_CASE_ENDINGS = ("dan", "den", "tan", "ten", "ya", "ye", "yı", "yi", "yu", "yü", "da", "de", "ta", "te",
                         "a", "e", "ı", "i", "u", "ü")


# ---------------------------------------------------------------------------------------------- words

# Digits grouped by threes with one separator throughout (after _UNIFIED: Arabic ٬ is a comma, NFKC made
# no-break and thin spaces plain spaces).
_GROUPED_DIGITS = re.compile(r"(?<![\d.,])\d{1,3}([,. '])\d{3}(?:\1\d{3})*(?!\d)")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|'?[^\W\d_]+(?:['-][^\W\d_]+)*|[-+~]")
_FRENCH_ELISION = re.compile(r"\b(d|l|qu|jusqu|lorsqu|puisqu)'")
_UNIFIED = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "‑": "-",
                          "−": "-", "٬": ",", "٫": ".", "ё": "е", "≈": "~",
                          # Arabic script: hamza seats, alef maqsura, Persian ye and kaf, ta marbuta and ZWNJ
                          # vary between writers; harakat and tatweel are decoration
                          "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه",
                          "\u200c": None, "\u0640": None,
                          **{chr(c): None for c in range(0x064B, 0x0653)}, "\u0670": None})


def _fold(text: str, lang: str) -> str:
    """`text` with one spelling per word and per number: ASCII digits, grouping removed, lower case."""
    text = unicodedata.normalize("NFKC", text)  # also turns no-break spaces into spaces
    text = "".join(str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text)
    if lang == "tr":  # Turkish dotted and dotless i
        text = text.replace("I", "ı").replace("İ", "i")
    text = text.lower().translate(_UNIFIED)
    text = _GROUPED_DIGITS.sub(lambda m: re.sub(r"\D", "", m.group()), text)
    if lang == "fr":
        text = _FRENCH_ELISION.sub(r"\1e ", text)
    if not _VOCABULARIES.get(lang, _UNKNOWN).text2num:
        text = text.replace("-", " - ")  # only text2num's languages hyphenate number words (twenty-four)
    return text


def _tokens(text: str, lang: str) -> _Words:
    return tuple(part for token in _TOKEN.findall(_fold(text, lang)) for part in _split_affixes(token, lang))


def _split_affixes(token: str, lang: str) -> _Words:
    """Affixes fused onto a number word, split off so the word is found: Arabic و and ال (`وعشرين`, `الثلاثة`),
    Turkish case endings (`ondan` → `on 'dan`, written like `10'dan`); and the conjunction و on an approximator
    (`وأكثر من 60`, "and more than 60"), where it says nothing about the count."""
    numbers = _number_words(lang)
    if token in numbers:
        return (token,)
    if lang in ("ar", "fa"):
        for prefix in ("و", "ال"):
            if token.startswith(prefix) and token[len(prefix):] in numbers:
                return (prefix, token[len(prefix):]) if prefix == "و" else (token[len(prefix):],)
        if token.startswith("و") and token[1:] in _approximator_words(lang):
            return (token[1:],)
    if lang == "tr":
        for ending in _TURKISH_CASE_ENDINGS:
            if token.endswith(ending) and token[:-len(ending)] in numbers:
                return token[:-len(ending)], "'" + ending
    return (token,)


def _is_word(token: str) -> bool:
    return token[0].isalpha()


def _alternatives(written: str, lang: str) -> list[_Words]:
    return [_tokens(phrase, lang) for phrase in written.split("|") if phrase]


@lru_cache(maxsize=None)
def _approximator_words(lang: str) -> frozenset[str]:
    """The first word of each approximator written before a number, as `_fold` spells it."""
    before = _VOCABULARIES.get(lang, _UNKNOWN).before
    return frozenset(_fold(phrase, lang).split()[0] for written in before.values() for phrase in written.split("|"))


@lru_cache(maxsize=None)
def _number_words(lang: str) -> dict[str, int]:
    vocabulary = _VOCABULARIES.get(lang, _UNKNOWN)
    return {_fold(word, lang): value for value, written in vocabulary.numbers.items() for word in written.split("|")}


# ---------------------------------------------------------------------------------------------- lexicon

@dataclass(frozen=True)
class _Lexicon:
    """A vocabulary as token tuples, the form spans are read in."""

    lang: str
    before: tuple[tuple[_Words, str], ...]  # (phrase, kind), longest first
    after: tuple[tuple[_Words, str], ...]
    vague: dict[_Words, int]
    vague_words: frozenset[str]  # one-word vague quantities, which text2num misreads ("hundreds" → 100)
    numbers: dict[str, int]
    units: dict[str, tuple[int, bool]]  # noun -> (value, approximate)
    fillers_before: tuple[_Words, ...]  # longest first
    fillers_after: tuple[_Words, ...]
    range_to: frozenset[str]
    range_and: frozenset[str]
    range_open: frozenset[str]
    range_close: frozenset[str]
    joiners: frozenset[str]
    text2num: bool


@lru_cache(maxsize=None)
def _lexicon(lang: str) -> _Lexicon:
    vocabulary = _VOCABULARIES.get(lang, _UNKNOWN)

    def by_kind(table: dict[str, str]) -> tuple[tuple[_Words, str], ...]:
        pairs = [(phrase, kind) for kind, written in table.items() for phrase in _alternatives(written, lang)]
        return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))

    def longest_first(written: str) -> tuple[_Words, ...]:
        return tuple(sorted(_alternatives(written, lang), key=len, reverse=True))

    def single_words(written: str) -> frozenset[str]:
        return frozenset(word for phrase in _alternatives(written, lang) for word in phrase)

    vague = {phrase: floor for floor, written in vocabulary.vague.items() for phrase in _alternatives(written, lang)}
    units = {word: (value, approximate)
             for approximate, table in ((False, vocabulary.exact_units), (True, vocabulary.approximate_units))
             for value, written in table.items() for word in single_words(written)}
    return _Lexicon(lang, by_kind(vocabulary.before), by_kind(vocabulary.after), vague,
                    frozenset(phrase[0] for phrase in vague if len(phrase) == 1), _number_words(lang), units,
                    longest_first(vocabulary.fillers_before), longest_first(vocabulary.fillers_after),
                    single_words(vocabulary.range_to), single_words(vocabulary.range_and),
                    single_words(vocabulary.range_open), single_words(vocabulary.range_close),
                    single_words(vocabulary.joiners), vocabulary.text2num)


# ---------------------------------------------------------------------------------------------- readings

@dataclass(frozen=True)
class _Reading:
    stated: int | None
    estimate: Estimate


_UNREAD = _Reading(None, Estimate(None, None, None))


def _qualified(n: int, kind: str) -> _Reading:
    margin = max(1, n // _MARGIN_DIVISOR)
    estimate = {EXACT: Estimate(n, n, n), AT_LEAST: Estimate(n, n, None), NEARLY: Estimate(max(0, n - margin), n, n),
                ABOUT: Estimate(max(0, n - margin), n, n + margin), UP_TO: Estimate(None, None, n)}[kind]
    return _Reading(n, estimate)


def _ranged(low: int, high: int) -> _Reading:
    return _Reading(low, Estimate(low, (low + high) // 2, high))


def _vague(floor: int) -> _Reading:
    return _Reading(None, Estimate(floor, None, None))


@lru_cache(maxsize=4096)
def _read(text: str, lang: str) -> _Reading:
    if lang not in _VOCABULARIES:
        return _lone_number(_tokens(text, lang))
    lex = _lexicon(lang)
    tokens = _tokens(text, lang)
    # A span drawn too wide may also begin with words that are no part of the count (`only three`, `allein 260`,
    # `au total plus de 80`): where the whole says nothing, the words before its first numeral are dropped one
    # by one, never a numeral (`24 12` is not 12).
    for start in range(len(tokens)):
        if (reading := _read_tokens(tokens[start:], lex)) is not None:
            return reading
        if not _is_word(tokens[start]) or _numeral(tokens[start], lex) is not None:
            break
    return _UNREAD


def _read_tokens(tokens: _Words, lex: _Lexicon) -> _Reading | None:
    # Whole vague phrases first: some begin with an approximator's word ("some", "unos cuantos").
    if (floor := lex.vague.get(_without_case_endings(tokens))) is not None:
        return _vague(floor)
    kind, core = _peel(tokens, lex)
    return _read_core(core, kind, lex)


def _lone_number(tokens: _Words) -> _Reading:
    """A language without vocabulary: its one number, exact only when nothing else is written."""
    numbers = [int(t) for t in tokens if t.isdigit()]
    if len(numbers) != 1:
        return _UNREAD
    if len(tokens) == 1:
        return _qualified(numbers[0], EXACT)
    return _Reading(numbers[0], Estimate(None, numbers[0], None))


def _without_case_endings(tokens: _Words) -> _Words:
    return tuple(t for t in tokens if not t.startswith("'"))


def _peel(tokens: _Words, lex: _Lexicon) -> tuple[str | None, _Words]:
    """The approximator's kind (None without one) and the words that remain once it and fillers are gone."""
    kind = None
    for phrase, phrase_kind in lex.before:
        if tokens[:len(phrase)] == phrase:
            kind, tokens = phrase_kind, tokens[len(phrase):]
            break
    for phrase, phrase_kind in lex.after:
        if len(tokens) > len(phrase) and tokens[-len(phrase):] == phrase:
            kind, tokens = kind or phrase_kind, tokens[:-len(phrase)]
            break
    return kind, _without_fillers(_without_case_endings(tokens), lex)


def _without_fillers(tokens: _Words, lex: _Lexicon) -> _Words:
    """`tokens` without leading and trailing fillers, as long as something else remains ("another" alone is 1)."""
    trimmed = True
    while trimmed:
        trimmed = False
        for phrase in lex.fillers_before:
            if len(tokens) > len(phrase) and tokens[:len(phrase)] == phrase:
                tokens, trimmed = tokens[len(phrase):], True
        for phrase in lex.fillers_after:
            if len(tokens) > len(phrase) and tokens[-len(phrase):] == phrase:
                tokens, trimmed = tokens[:-len(phrase)], True
    return tokens


def _read_core(core: _Words, kind: str | None, lex: _Lexicon) -> _Reading | None:
    for length in _readable_lengths(core):
        words = core[:length]
        if (reading := _range(words, lex)) is not None:
            return reading  # an approximator before a range does not move its stated bounds
        number, floor = _number(words, lex), lex.vague.get(words)
        # A word can be both (Russian сотни: "hundreds", or "a hundred" after около); an approximator decides.
        if number is not None and (kind is not None or floor is None):
            value, approximate = number
            return _qualified(value, kind or (ABOUT if approximate else EXACT))
        if floor is not None:
            return _vague(floor)
        if kind is None and (count := _bare_noun_count(words, lex.lang)) is not None:
            return _qualified(count, EXACT)
    return None


def _readable_lengths(core: _Words) -> Iterator[int]:
    """The whole span, then shorter: a span drawn too wide may end in the noun it counts (`24 soldiers`), but
    trailing digits or signs are never dropped (`24 12` is not 24)."""
    length = len(core)
    while length > 0:
        yield length
        if not _is_word(core[length - 1]):
            return
        length -= 1


def _range(words: _Words, lex: _Lexicon) -> _Reading | None:
    for i, word in enumerate(words):
        if word not in lex.range_to and word not in lex.range_and:
            continue
        left, right, opened = words[:i], words[i + 1:], False
        if left and left[0] in lex.range_open:
            left, opened = left[1:], True
        if right and right[-1] in lex.range_close:
            right = right[:-1]
        if word not in lex.range_to and not opened:
            continue  # "and" inside one number: "one hundred and twenty"
        low, high = _number(left, lex), _number(right, lex)
        if low is not None and high is not None and low[0] < high[0]:
            return _ranged(low[0], high[0])
    return None


def _bare_noun_count(words: _Words, lang: str) -> int | None:
    """The count a lone noun carries (guidelines section 3): Arabic singular 1 or dual 2, Russian or Ukrainian
    singular 1."""
    if len(words) != 1 or not words[0].isalpha():
        return None
    word = words[0]
    if lang == "ar":
        return 2 if _is_arabic_dual(word) else 1
    if lang in _PLURAL_ENDINGS:
        return None if word.endswith(_PLURAL_ENDINGS[lang]) else 1
    return None


def _is_arabic_dual(word: str) -> bool:
    if word in _ARABIC_SINGULARS_ENDING_LIKE_DUALS:
        return False
    stem = word.removeprefix("ال")
    return any(stem.endswith(ending) and len(stem) - len(ending) >= 3 for ending in _ARABIC_DUAL_ENDINGS)


# ---------------------------------------------------------------------------------------------- numbers

@dataclass(frozen=True)
class _Numeral:
    value: Fraction
    # "term" is added to the group before it (twenty, four); "multiplier" multiplies that group (hundred, dozen,
    # vingtaine); "power" multiplies it and closes it (thousand, million)
    kind: str
    approximate: bool = False  # une vingtaine, десяток
    in_digits: bool = False


def _number(words: _Words, lex: _Lexicon) -> tuple[int, bool] | None:
    """(the integer `words` write, whether a noun made it approximate), or None when they write none."""
    if lex.lang == "ha":
        words = _multipliers_after(words, lex)
    numerals = [_numeral(word, lex) for word in words if word not in lex.joiners]
    if not numerals or None in numerals:
        return None
    total = _combine(numerals, lex.lang)
    return None if total is None else (total, any(n.approximate for n in numerals))


def _multipliers_after(words: _Words, lex: _Lexicon) -> _Words:
    """Hausa puts the multiplier first (ɗari biyu, hundred two = 200) and adds with `da` (ɗari da biyu = 102):
    a hundred or thousand directly followed by a smaller number swaps with it, into the order `_combine` reads."""
    words = list(words)
    for i in range(len(words) - 1):
        if lex.numbers.get(words[i]) in (100, 1000) and (lex.numbers.get(words[i + 1]) or 100) < 100:
            words[i], words[i + 1] = words[i + 1], words[i]
    return tuple(words)


def _numeral(word: str, lex: _Lexicon) -> _Numeral | None:
    if word[0].isdigit():
        return _Numeral(Fraction(word.replace(",", ".")), "term", in_digits=True)  # 2,6 тысячи: a decimal comma
    if word in lex.units:
        value, approximate = lex.units[word]
        return _Numeral(Fraction(value), "multiplier", approximate)
    value = lex.numbers.get(word)
    if value is None and lex.text2num and word not in lex.vague_words:
        value = _text2num(word, lex.lang)
    if value is None:
        return None
    kind = "multiplier" if value == 100 else "power" if value in (1000, 10**6, 10**9) else "term"
    return _Numeral(Fraction(value), kind)


def _text2num(word: str, lang: str) -> int | None:
    try:
        return text2num(word, lang)
    except ValueError:
        return None


def _combine(numerals: list[_Numeral], lang: str) -> int | None:
    """The integer a sequence of numerals writes, or None where it is no well-formed number (a decimal left
    unmultiplied, two figures side by side, `four twenty`)."""
    total, group = Fraction(0), []
    for numeral in numerals:
        if numeral.kind == "term":
            group.append(numeral)
            continue
        size = _group_size(group, lang)
        if size is None:
            return None
        if numeral.kind == "multiplier":
            group = [_Numeral((size or 1) * numeral.value, "term")]
        else:
            total, group = total + (size or 1) * numeral.value, []
    size = _group_size(group, lang)
    if size is None or (total + size).denominator != 1:
        return None
    return int(total + size)


def _group_size(group: list[_Numeral], lang: str) -> Fraction | None:
    """The sum of the terms since the last power, or None unless each is of a lower order than the one before."""
    if len(group) > 1 and any(n.in_digits for n in group):
        return None
    values = [n.value for n in group]
    if lang == "ar":
        values = _tens_before_units(values)
    orders = [len(str(int(v))) for v in values]
    if any(a <= b for a, b in zip(orders, orders[1:])):
        return None
    return sum(values, Fraction(0))


def _tens_before_units(values: list[Fraction]) -> list[Fraction]:
    """Arabic writes the unit before the ten (خمسة وعشرون, five and twenty; ثلاثة عشر, three-ten)."""
    values = list(values)
    for i in range(len(values) - 1):
        if values[i] < 10 <= values[i + 1] < 100:
            values[i], values[i + 1] = values[i + 1], values[i]
    return values
