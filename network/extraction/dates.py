"""The dates a press release states or implies, Arabic or English, each with the precision the text
supports and no finer.

`find_dates(text, published_on)` returns one `FoundDate` per date expression, in text order:

- explicit dates: "2 April 2021", "April 2, 2021", «٢ أبريل ٢٠٢١», «الثاني من أبريل 2021»,
  Levantine («كانون الثاني») and Maghrebi («جانفي», «أفريل») month names, "2021-04-02";
- numeric dates written day first, "02/04/2021" being 2 April (the Arab and British order);
  only when the middle number cannot be a month ("04/25/2021") is it read month first;
- a month and year ("April 2021", «فبراير 2025») at month precision, and a year at year
  precision only after a word that makes it one ("in 2017", «عام 2017»): a bare four-digit
  number is a name or a count ("Vision 2030", «منتدى الدوحة 2019»);
- ranges ("8-10 December 2020", «من 8 إلى 10 ديسمبر 2020»): the first day, with `ends_on`;
- with `published_on` only: a day and month without a year («21 جانفي الفارط»), relative words
  (yesterday, «بالأمس», today, tomorrow) and weekdays, each `inferred` with a `note`;
- Hijri dates («9 ربيع الآخر 1440هـ», "15 Ramadan 1445 AH") with calendar "hijri", their value
  converted to the Gregorian day by `hijridate` (Umm al-Qura). A Hijri date that cannot be
  converted (no converter installed, or outside its 1343–1500 AH range) is left out, but its
  digits are still never read as a Gregorian date.

Impossible dates (31 February) are left out; nothing here raises on odd text.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crm.numerals import WESTERN_DIGITS
from crm.search import ARABIC_LETTER_FOLDS

from .text import ARABIC_LETTER

try:
    from hijridate import Hijri
except ImportError:  # recognised all the same, so that their digits are not misread; not returned
    Hijri = None

DAY, MONTH, YEAR = "day", "month", "year"
GREGORIAN, HIJRI = "gregorian", "hijri"


@dataclass(frozen=True)
class FoundDate:
    value: date  # first day of the month/year when precision is "month"/"year"
    precision: str  # "day" | "month" | "year"
    inferred: bool  # resolved from a relative word against the publication date
    note: str  # for inferred dates, how it was worked out; "" otherwise
    start: int  # character offsets of the expression in the text passed in
    end: int
    as_written: str  # text[start:end]
    calendar: str = GREGORIAN  # "hijri": written in the Hijri calendar, value converted to Gregorian
    ends_on: date | None = None  # the last day of a range ("8-10 December 2020")


# ---------------------------------------------------------------------------------------------
# Folding. Patterns run over a folded copy of the text, in which spelling variants are one
# letter, so that one pattern serves «أبريل», «إبريل» and «ابريل». Folding keeps one character
# for one character or drops it, so every folded offset maps back to the text passed in.

# Marks that change no word: short vowels, tatweel, and the direction marks that sit around
# digits in Arabic text.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u061C", "\u200B", "\u200C", "\u200D", "\u200E", "\u200F"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
# The app's one table of Arabic letter variants (crm.search) and of digits (crm.numerals), with
# the invisible marks dropped.
FOLD_TABLE = {**ARABIC_LETTER_FOLDS, **WESTERN_DIGITS, **dict.fromkeys(map(ord, INVISIBLE))}


def fold(text):
    return text.translate(FOLD_TABLE)


def fold_keeping_origin(text):
    """The folded text, and for each of its characters the offset it came from."""
    folded, origin = [], []
    for offset, ch in enumerate(text):
        if ch not in INVISIBLE:
            folded.append(ch.translate(FOLD_TABLE))
            origin.append(offset)
    return "".join(folded), origin


def compile_folded(pattern):
    # Patterns are written with ordinary spelling and folded like the text they will read.
    return re.compile(fold(pattern))


def alternation(words):
    """Longest first, so that «تشرين الثاني» is tried before a word it starts with."""
    escaped = [r"\s+".join(re.escape(part) for part in fold(word).split()) for word in words]
    return "|".join(sorted(set(escaped), key=len, reverse=True))


def cased(words):
    # English month and weekday names are read capitalised only: "may" and "march" are verbs.
    return [form for word in words for form in (word, word.upper())]


# ---------------------------------------------------------------------------------------------
# Names.

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
GREGORIAN_MONTHS = {
    **{name.lower(): number for number, name in enumerate(MONTHS_EN, 1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTHS_EN, 1)},
    "sept": 9,
}
GREGORIAN_MONTHS_AR = {
    # Egyptian and Gulf
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9,
    "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Levantine and Iraqi
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    # Maghrebi (and the Moroccan forms of the later months)
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7,
    "جويلييه": 7, "يوليوز": 7, "أوت": 8, "اوت": 8, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}
GREGORIAN_MONTHS.update({" ".join(fold(name).split()): number for name, number in GREGORIAN_MONTHS_AR.items()})

HIJRI_MONTHS_AR = {
    "محرم": 1, "المحرم": 1, "صفر": 2,
    "ربيع الأول": 3, "ربيع أول": 3,
    "ربيع الآخر": 4, "ربيع آخر": 4, "ربيع الثاني": 4, "ربيع ثاني": 4,
    "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى أولى": 5,
    "جمادى الآخرة": 6, "جمادى الآخر": 6, "جمادى الثانية": 6, "جمادى الثاني": 6, "جمادى آخرة": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}
HIJRI_MONTH_NUMBERS = {" ".join(fold(name).split()): number for name, number in HIJRI_MONTHS_AR.items()}
_APOSTROPHE = "['‘’`ʿʾ]?"
_ARTICLE = r"(?:\s*(?:al|ul|el|l)?[-\s]*)"
HIJRI_MONTHS_EN = [  # transliterations vary; these are the spellings news agencies use
    (1, r"muharram"),
    (2, r"safar"),
    (3, rf"rabi{_APOSTROPHE}{_ARTICLE}(?:aw+al|i|1)"),
    (4, rf"rabi{_APOSTROPHE}{_ARTICLE}(?:thani|akh[ia]r|ii|2)"),
    (5, rf"jumad[ai]{_ARTICLE}(?:aw+al|ula|oula|i|1)"),
    (6, rf"jumad[ai]{_ARTICLE}(?:thani|akhirah?|ii|2)"),
    (7, r"rajab"),
    (8, rf"sha{_APOSTROPHE}a?ban"),
    (9, r"rama[dz]h?an"),
    (10, r"shaw+al"),
    (11, rf"(?:dhu{_APOSTROPHE}|zu){_ARTICLE}q[ai]{_APOSTROPHE}dah?"),
    (12, rf"(?:dhu{_APOSTROPHE}|zu){_ARTICLE}hij+ah?"),
]
HIJRI_MONTHS_EN_EXACT = [(number, re.compile(pattern, re.IGNORECASE)) for number, pattern in HIJRI_MONTHS_EN]

WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_AR = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3,
               "الجمعة": 4, "السبت": 5, "الأحد": 6}
WEEKDAY_NUMBERS = {
    **{name.lower(): number for number, name in enumerate(WEEKDAYS_EN)},
    **{fold(name): number for name, number in WEEKDAYS_AR.items()},
}

# Arabic ordinal days: «الثاني من أبريل», «الحادي والعشرين من مارس».
ORDINAL_UNITS = {"الأول": 1, "الحادي": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5,
                 "السادس": 6, "السابع": 7, "الثامن": 8, "التاسع": 9, "العاشر": 10}
ORDINAL_UNIT_NUMBERS = {fold(word): number for word, number in ORDINAL_UNITS.items()}

# ---------------------------------------------------------------------------------------------
# Pattern pieces, over folded text.

NOT_AFTER_LETTER = r"(?<![^\W\d_])"
NOT_BEFORE_LETTER = r"(?![^\W\d_])"
# A day number stands alone: not inside a longer number, a time (10:30) or a range's second
# half, but it may carry the attached «و» (and) or «ب» (on) of Arabic.
NUMBER_START = r"(?:(?<!\w)(?<![0-9][.,:/\-])|(?<=(?<![^\W\d_])[وب]))"
AR_PREFIX = r"(?:[وف]?(?:ب|ل|في)?)"

_AR_LONG_MONTHS = alternation(name for name in GREGORIAN_MONTHS_AR if len(fold(name)) > 2)
_AR_SHORT_MONTHS = alternation(name for name in GREGORIAN_MONTHS_AR if len(fold(name)) <= 2)
_EN_FULL_MONTHS = "|".join(cased(MONTHS_EN))
_EN_SHORT_MONTHS = "|".join(cased([name[:3] for name in MONTHS_EN if name != "May"] + ["Sept"]))
_EN_MONTH_NAMES = rf"(?:{_EN_FULL_MONTHS})|(?:{_EN_SHORT_MONTHS})\.?"
# «آب» is also «أب» (father): a name that short takes no attached prefix.
_MONTH_NAMES = rf"{_EN_MONTH_NAMES}|{_AR_LONG_MONTHS}|{_AR_SHORT_MONTHS}"


def gregorian_month(group):
    # Arabic texts often give two names for one month: «نيسان/أبريل», «كانون الثاني (يناير)».
    return (
        rf"{NOT_AFTER_LETTER}(?:{AR_PREFIX}(?=(?:{_AR_LONG_MONTHS}){NOT_BEFORE_LETTER}))?"
        rf"(?P<{group}>{_MONTH_NAMES}){NOT_BEFORE_LETTER}"
        rf"(?:\s*[/(]\s*{AR_PREFIX}(?P<{group}_alt>{_MONTH_NAMES}){NOT_BEFORE_LETTER}\s*\)?)?"
    )


def english_month(group):
    return rf"{NOT_AFTER_LETTER}(?P<{group}>{_EN_MONTH_NAMES}){NOT_BEFORE_LETTER}"


_AR_HIJRI_MONTHS = alternation(HIJRI_MONTHS_AR)
_EN_HIJRI_MONTHS = "|".join(pattern for _, pattern in sorted(HIJRI_MONTHS_EN, key=lambda p: -len(p[1])))


def hijri_month(group):
    return (
        rf"{NOT_AFTER_LETTER}(?:{AR_PREFIX}(?=(?:{_AR_HIJRI_MONTHS}){NOT_BEFORE_LETTER}))?"
        rf"(?P<{group}>{_AR_HIJRI_MONTHS}|(?i:{_EN_HIJRI_MONTHS})){NOT_BEFORE_LETTER}"
    )


def day_number(group):
    return rf"{NUMBER_START}(?P<{group}>[0-9]{{1,2}})(?![0-9])(?:st|nd|rd|th)?{NOT_BEFORE_LETTER}"


_ORDINAL_UNIT = alternation(ORDINAL_UNITS)
_ORDINAL = rf"(?:{_ORDINAL_UNIT})(?:\s+عشر|\s+و(?:العشرين|الثلاثين))?|العشرين|الثلاثين"


def day_number_or_ordinal(group):
    # An ordinal is a day only when «من» and a month follow it: «الأول من نوعه» is not.
    return rf"(?:{day_number(group)}|{NOT_AFTER_LETTER}[وف]?(?P<{group}_ordinal>{_ORDINAL})(?=\s+من\s))"


# No full stop between day, month and year: "page 5. March was…" is no date.
DAY_MONTH_SEPARATOR = r"(?:\s*[-/]\s*|\s+)(?:(?i:of)\s+|من\s+)?"
MONTH_YEAR_SEPARATOR = r"(?:\s*[-,/،]\s*|\s+)(?:(?:(?i:of)|من)\s+(?:(?:ال)?(?:عام|سنة)\s+)?)?"
HIJRI_MARK = (
    r"(?:\s?ه(?![^\W\d_])|\s+(?:لل|ال)?هجر(?:ي|ية|ة)(?![^\W\d_])|\s?(?i:a\.?h\.?)(?![^\W\d_]))"
)
GREGORIAN_MARK = r"(?:\s?م|\s+(?:لل|ال)?ميلاد(?:ي|ية)?)(?![^\W\d_])"


def gregorian_year(group):
    # Followed by a Hijri mark (هـ, AH) it is a Hijri year, not a Gregorian one.
    return rf"(?P<{group}>[0-9]{{4}})(?![0-9])(?!{HIJRI_MARK})(?:{GREGORIAN_MARK})?{NOT_BEFORE_LETTER}"


def hijri_year(group):
    return rf"(?<![0-9])(?P<{group}>[0-9]{{3,4}})(?![0-9])"


# Words after a day and month that say which year: «21 جانفي الفارط», "5 March last year".
_PAST = r"الفارط|الماضي|المنصرم|الفائت|السابق|المنقضي"
_FUTURE = r"المقبل|القادم"
QUALIFIER_KINDS = [
    ("last year", compile_folded(rf"(?:من\s+)?(?:ال)?(?:عام|سنة)\s+(?:{_PAST})|(?i:(?:of\s+)?last\s+year)")),
    ("next year", compile_folded(rf"(?:من\s+)?(?:ال)?(?:عام|سنة)\s+(?:{_FUTURE})|(?i:(?:of\s+)?next\s+year)")),
    ("this year", compile_folded(
        r"(?:من\s+)?(?:هذا\s+العام|هذه\s+السنة|العام\s+(?:الجاري|الحالي)|السنة\s+(?:الجارية|الحالية))"
        r"|(?i:(?:of\s+)?this\s+year)")),
    ("past", compile_folded(_PAST)),
    ("future", compile_folded(_FUTURE)),
]
QUALIFIER = (
    rf"(?:\s+|\s*,\s*)(?P<qualifier>(?:من\s+)?(?:ال)?(?:عام|سنة)\s+(?:{_PAST}|{_FUTURE})"
    r"|(?:من\s+)?(?:هذا\s+العام|هذه\s+السنة|العام\s+(?:الجاري|الحالي)|السنة\s+(?:الجارية|الحالية))"
    rf"|(?i:(?:of\s+)?(?:last|next|this)\s+year)|{_PAST}|{_FUTURE}){NOT_BEFORE_LETTER}"
)

RANGE_CONNECTOR = (
    r"(?:\s*[-–—]\s*|\s+(?:(?i:to|until|till|through|thru)|إلى|حتى|لغاية)\s+"
    r"|(?P<conjunction>\s+(?i:and)\s+|\s*و\s*))"
)
RANGE_OPENING = r"(?:(?P<between>(?i:between)|بين)\s+|(?:(?i:from)|من)\s+)?"

# Words that make a four-digit number a year.
_AR_YEAR_NOUN = r"(?:عام|سنة)"
_AR_YEAR_PREPOSITION = r"(?:في|خلال|منذ|حتى|مطلع|بداية|نهاية|أواخر|أوائل|منتصف|طوال)"
AR_YEAR_CUE = (
    rf"{NOT_AFTER_LETTER}(?:[وف]?{_AR_YEAR_PREPOSITION}(?:\s+(?:ال)?{_AR_YEAR_NOUN})?"
    rf"|{AR_PREFIX}{_AR_YEAR_NOUN}|[وف]?لل{_AR_YEAR_NOUN})\s+"
)
EN_YEAR_CUE = (
    r"(?<![^\W\d_])(?i:(?:(?:in|during|since|until|till|throughout)(?:\s+(?:the\s+)?year)?"
    r"|(?:by\s+)?(?:the\s+)?(?:end|beginning|start|middle)\s+of|(?:the\s+)?year|early|late)\s+|mid[-\s])"
)
YEAR_CUE = rf"(?:{AR_YEAR_CUE}|{EN_YEAR_CUE})"

# ---------------------------------------------------------------------------------------------
# The patterns, each compiled once. Their names are the kinds of candidate they give.

RANGE_DAY_FIRST = compile_folded(
    rf"{RANGE_OPENING}{day_number('first_day')}(?:{DAY_MONTH_SEPARATOR}{gregorian_month('first_month')})?"
    rf"{RANGE_CONNECTOR}(?P<last_day>[0-9]{{1,2}})(?![0-9])(?:st|nd|rd|th)?{DAY_MONTH_SEPARATOR}{gregorian_month('last_month')}"
    rf"(?:{MONTH_YEAR_SEPARATOR}{gregorian_year('year')}|{QUALIFIER})?"
)
RANGE_MONTH_FIRST = compile_folded(
    rf"{RANGE_OPENING}{english_month('first_month')}\s+{day_number('first_day')}"
    rf"{RANGE_CONNECTOR}(?:{english_month('last_month')}\s+)?(?P<last_day>[0-9]{{1,2}})(?![0-9])"
    rf"(?:st|nd|rd|th)?{NOT_BEFORE_LETTER}(?:(?:\s*,\s*|\s+){gregorian_year('year')}|{QUALIFIER})?"
)
DAY_MONTH_YEAR = compile_folded(
    rf"{day_number_or_ordinal('day')}{DAY_MONTH_SEPARATOR}{gregorian_month('month')}"
    rf"{MONTH_YEAR_SEPARATOR}{gregorian_year('year')}"
)
MONTH_DAY_YEAR = compile_folded(
    rf"{english_month('month')}\s*{day_number('day')}(?:\s*,\s*|\s+){gregorian_year('year')}"
)
NUMERIC_DATE = re.compile(
    r"(?<![\w./\-])(?:(?P<iso_year>[0-9]{4})(?P<iso_separator>[-/.])(?P<iso_month>[0-9]{1,2})(?P=iso_separator)"
    r"(?P<iso_day>[0-9]{1,2})|(?P<day>[0-9]{1,2})(?P<separator>[-/.])(?P<month>[0-9]{1,2})(?P=separator)"
    r"(?P<year>[0-9]{4}))(?![0-9]|[./\-][0-9])(?![^\W\d_])"
)
HIJRI_DAY_MONTH_YEAR = compile_folded(
    rf"{day_number_or_ordinal('day')}{DAY_MONTH_SEPARATOR}{hijri_month('month')}"
    rf"{MONTH_YEAR_SEPARATOR}{hijri_year('year')}(?P<mark>{HIJRI_MARK})?{NOT_BEFORE_LETTER}"
)
HIJRI_MONTH_YEAR = compile_folded(
    rf"{hijri_month('month')}{MONTH_YEAR_SEPARATOR}{hijri_year('year')}(?P<mark>{HIJRI_MARK})?{NOT_BEFORE_LETTER}"
)
HIJRI_YEAR = compile_folded(rf"(?:{YEAR_CUE})?{hijri_year('year')}(?P<mark>{HIJRI_MARK})")
MONTH_YEAR = compile_folded(rf"{gregorian_month('month')}{MONTH_YEAR_SEPARATOR}{gregorian_year('year')}")
DAY_MONTH = compile_folded(
    rf"{day_number_or_ordinal('day')}{DAY_MONTH_SEPARATOR}{gregorian_month('month')}(?:{QUALIFIER})?"
)
MONTH_DAY = compile_folded(rf"{english_month('month')}\s+{day_number('day')}(?:{QUALIFIER})?")
CUED_YEAR = compile_folded(rf"{YEAR_CUE}{gregorian_year('year')}")

_AR_WEEKDAYS = alternation(WEEKDAYS_AR)
# «اليوم» is "today" unless an adjective follows («اليوم الوطني», «اليوم التالي»: a day), though
# a weekday may («اليوم الاثنين»). «أمس الحاجة» is "in dire need".
RELATIVE_WORD = compile_folded(
    rf"{NOT_AFTER_LETTER}(?:"
    rf"(?P<minus_two>[وف]?ب?أول\s+(?:من\s+)?أمس|[وف]?ب?(?:ال)?أمس\s+الأول"
    r"|(?i:(?:the\s+)?day\s+before\s+yesterday))"
    rf"|(?P<plus_two>[وف]?بعد\s+غدا?|(?i:(?:the\s+)?day\s+after\s+tomorrow))"
    rf"|(?P<minus_one>[وف]?[بك]?(?:ال)?أمس(?!\s+الحاجة)|[وف]?[بك]?البارحة|(?i:yesterday|last\s+night))"
    rf"|(?P<zero>(?:[وف]?هذا\s+)?(?:[وف]?[بك]?اليوم|[وف]?لليوم){NOT_BEFORE_LETTER}"
    rf"(?!\s+(?!(?:{_AR_WEEKDAYS}){NOT_BEFORE_LETTER})ال[^\W\d_])"
    r"|(?i:today|tonight|this\s+(?:morning|afternoon|evening)))"
    rf"|(?P<plus_one>[وف]?غدا|(?:يوم|صباح|مساء|ظهر)\s+(?:ال)?غد|(?i:tomorrow))"
    rf"){NOT_BEFORE_LETTER}"
)
RELATIVE_DAYS = {"minus_two": -2, "minus_one": -1, "zero": 0, "plus_one": 1, "plus_two": 2}
RELATIVE_GLOSSES = {-2: "the day before yesterday", -1: "yesterday", 0: "today", 1: "tomorrow",
                    2: "the day after tomorrow"}

WEEKDAY = compile_folded(
    rf"{NOT_AFTER_LETTER}(?:"
    rf"[وف]?ب?(?P<ar_weekday>{_AR_WEEKDAYS}){NOT_BEFORE_LETTER}(?:\s+(?P<ar_when>{_PAST}|{_FUTURE}){NOT_BEFORE_LETTER})?"
    r"|(?:(?P<en_when>(?i:last|next|this\s+coming|this\s+past|coming|past|this))\s+)?"
    rf"(?P<en_weekday>{'|'.join(cased(WEEKDAYS_EN))}){NOT_BEFORE_LETTER})"
)
WEEKDAY_AFTER = {"next", "coming", "this coming", *(fold(w) for w in _FUTURE.split("|"))}
WEEKDAY_BEFORE = {"last", "past", "this past", *(fold(w) for w in _PAST.split("|"))}

# What may stand between a weekday and the date it names: «الأحد 16 ديسمبر», "Monday, 5 May",
# «يوم الأحد الموافق 16 ديسمبر», «16 ديسمبر (الأحد)».
WEEKDAY_BESIDE_DATE = compile_folded(r"[\s,،/()\-–—:]*(?:(?:يوم|الموافق|(?i:the))[\s,،/()]*)*")

# Gregorian years outside this span are not read: below it lie the Hijri years (13xx–14xx)
# written without «هـ»; above it, counts.
GREGORIAN_YEARS = range(1600, 2200)
HIJRI_YEARS = range(1, 1600)

# ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    start: int  # offsets in the text passed in
    end: int
    rank: int  # which pattern found it; lower wins between equally long overlapping ones
    kind: str
    found: FoundDate | None  # None: a date-like expression that is not a date, yet holds its digits


RANKS = {kind: rank for rank, kind in enumerate([
    "range", "full", "numeric", "hijri_full", "hijri_month", "month", "day_month", "hijri_year",
    "year", "relative", "weekday",
])}


class Reading:
    """One text being read: the text, its folded copy, and the publication date."""

    def __init__(self, text, published_on):
        self.text = text
        self.folded, self.origin = fold_keeping_origin(text)
        self.published_on = published_on
        self.candidates = []

    def span(self, folded_start, folded_end):
        start = self.origin[folded_start]
        end = self.origin[folded_end - 1] + 1
        while end < len(self.text) and self.text[end] in INVISIBLE:  # a vowel mark on the last letter
            end += 1
        return start, end

    def add(self, kind, match_span, value=None, precision=DAY, note="", calendar=GREGORIAN, ends_on=None):
        start, end = self.span(*match_span)
        found = None
        if value is not None:
            inferred = note != ""  # only a date worked out from the publication date carries a note
            found = FoundDate(value, precision, inferred, note, start, end, self.text[start:end], calendar, ends_on)
        self.candidates.append(Candidate(start, end, RANKS[kind], kind, found))

    def as_written(self, match_span):
        start, end = self.span(*match_span)
        return self.text[start:end]


def find_dates(text: str, published_on: date | None = None) -> list[FoundDate]:
    """Every date expression in `text`, in text order."""
    if not text:
        return []
    if isinstance(published_on, datetime):  # a timestamp would not compare with the dates found
        published_on = published_on.date()
    reading = Reading(text, published_on)
    for pattern, read in READERS:
        for match in pattern.finditer(reading.folded):
            read(reading, match)
    chosen = choose(reading.candidates)
    chosen = drop_weekdays_naming_a_date(chosen, text)
    return [candidate.found for candidate in chosen if candidate.found is not None]


def choose(candidates):
    """Where expressions overlap, the longest is the one the text means ("10 December 2020" in
    "8-10 December 2020" is not a second date)."""
    starts, chosen = [], []  # the chosen, kept in text order; they never overlap one another
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, c.rank, c.start)):
        place = bisect.bisect_left(starts, candidate.start)
        overlaps_next = place < len(chosen) and chosen[place].start < candidate.end
        overlaps_previous = place > 0 and chosen[place - 1].end > candidate.start
        if not (overlaps_next or overlaps_previous):
            starts.insert(place, candidate.start)
            chosen.insert(place, candidate)
    return chosen


def drop_weekdays_naming_a_date(chosen, text):
    """A weekday written beside a full date names that date's day («الأحد 16 ديسمبر 2018»);
    read on its own against the publication date it could point elsewhere."""
    def names_a_day(candidate):
        return candidate.found is not None and candidate.found.precision == DAY and candidate.kind not in ("weekday", "relative")

    kept = []
    for place, candidate in enumerate(chosen):
        if candidate.kind == "weekday":
            before = chosen[place - 1] if place > 0 else None
            after = chosen[place + 1] if place + 1 < len(chosen) else None
            if (after is not None and names_a_day(after) and only_connects(text[candidate.end:after.start])) or (
                before is not None and names_a_day(before) and only_connects(text[before.end:candidate.start])
            ):
                continue
        kept.append(candidate)
    return kept


def only_connects(between):
    return len(between) <= 30 and WEEKDAY_BESIDE_DATE.fullmatch(fold(between)) is not None


# ---------------------------------------------------------------------------------------------
# Readers: a match in, candidates out.


def safe_date(year, month, day):
    try:
        return date(year, month, day)
    except (ValueError, OverflowError, TypeError):
        return None


def shifted(day, days):
    try:
        return day + timedelta(days=days)
    except OverflowError:  # beyond date.min or date.max
        return None


def hijri_to_gregorian(year, month, day):
    if Hijri is None:
        return None
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError, TypeError):
        return None
    return date(gregorian.year, gregorian.month, gregorian.day)


def month_number(name):
    return GREGORIAN_MONTHS.get(" ".join(name.rstrip(".").lower().split()))


def month_of(match, group):
    """The month a name group names, or None when its second name contradicts it ("April/May")."""
    number = month_number(match.group(group))
    alternative = match.groupdict().get(f"{group}_alt")
    if alternative is not None and month_number(alternative) != number:
        return None
    return number


def hijri_month_number(name):
    folded = " ".join(name.split())
    if folded in HIJRI_MONTH_NUMBERS:
        return HIJRI_MONTH_NUMBERS[folded]
    for number, pattern in HIJRI_MONTHS_EN_EXACT:
        if pattern.fullmatch(name):
            return number
    return None


def day_of(match, group):
    if match.group(group) is not None:
        return int(match.group(group))
    ordinal = match.groupdict().get(f"{group}_ordinal")
    return ordinal_value(ordinal) if ordinal else None


def ordinal_value(ordinal):
    words = ordinal.split()
    if words[0] in ("العشرين", "الثلاثين"):
        return 20 if words[0] == "العشرين" else 30
    unit = ORDINAL_UNIT_NUMBERS.get(words[0])
    if unit is None:
        return None
    if len(words) == 1:
        return unit
    if unit == 10:  # «العاشر عشر» is no number
        return None
    return unit + {"عشر": 10, "والعشرين": 20, "والثلاثين": 30}.get(words[1], 0)


def gregorian_year_of(match, group="year"):
    year = int(match.group(group))
    return year if year in GREGORIAN_YEARS else None


def read_full_date(reading, match):
    year = gregorian_year_of(match)
    month = month_of(match, "month")
    day = day_of(match, "day")
    value = safe_date(year, month, day) if year and month and day else None
    reading.add("full", match.span(), value)


def read_numeric_date(reading, match):
    if match.group("iso_year"):
        year, month, day = (int(match.group(g)) for g in ("iso_year", "iso_month", "iso_day"))
    else:
        year, month, day = (int(match.group(g)) for g in ("year", "month", "day"))
        if month > 12 >= day:  # 04/25/2021 can only be month first
            month, day = day, month
    value = safe_date(year, month, day) if year in GREGORIAN_YEARS else None
    reading.add("numeric", match.span(), value)


def read_month_year(reading, match):
    year = gregorian_year_of(match)
    month = month_of(match, "month")
    value = safe_date(year, month, 1) if year and month else None
    reading.add("month", match.span(), value, MONTH)


def read_cued_year(reading, match):
    year = gregorian_year_of(match)
    reading.add("year", match.span(), safe_date(year, 1, 1) if year else None, YEAR)


def read_hijri_full(reading, match):
    year, month, day = int(match.group("year")), hijri_month_number(match.group("month")), day_of(match, "day")
    value = None
    if year in HIJRI_YEARS and month and day:
        value = hijri_to_gregorian(year, month, day)
    reading.add("hijri_full", match.span(), value, DAY, calendar=HIJRI)


def read_hijri_month(reading, match):
    year, month = int(match.group("year")), hijri_month_number(match.group("month"))
    value = hijri_to_gregorian(year, month, 1) if year in HIJRI_YEARS and month else None
    reading.add("hijri_month", match.span(), value, MONTH, calendar=HIJRI)


def read_hijri_year(reading, match):
    year = int(match.group("year"))
    value = hijri_to_gregorian(year, 1, 1) if year in HIJRI_YEARS else None
    reading.add("hijri_year", match.span(), value, YEAR, calendar=HIJRI)


def read_range(reading, match):
    if match.group("conjunction") and not match.group("between"):
        return  # "8 and 10 December" are two days, not the days between
    # The span starts at the first date word, not at "from" or «بين».
    span = (min(match.start(g) for g in ("first_day", "first_month") if match.group(g) is not None), match.end())
    # One month name serves both days: "8-10 December", "December 8-10".
    first_month = month_of(match, "first_month") if match.group("first_month") else None
    last_month = month_of(match, "last_month") if match.group("last_month") else None
    first_month, last_month = first_month or last_month, last_month or first_month
    first_day, last_day = int(match.group("first_day")), int(match.group("last_day"))
    if not first_month or not last_month:
        reading.add("range", span)
        return
    if match.group("year"):
        year = gregorian_year_of(match)
        last = safe_date(year, last_month, last_day) if year else None
        first = safe_date(year, first_month, first_day) if year else None
        if first and last and first > last:  # "30 December 2020 – 2 January 2021" written with one year
            first = safe_date(year - 1, first_month, first_day)
        if first is None or last is None or first >= last:
            reading.add("range", span)
            return
        reading.add("range", span, first, ends_on=last)
        return
    resolved = resolve_month_day(first_month, first_day, reading.published_on, qualifier_kind(match))
    if resolved is None:
        reading.add("range", span)
        return
    first, how = resolved
    last = safe_date(first.year, last_month, last_day)
    if last is not None and last < first:
        last = safe_date(first.year + 1, last_month, last_day)
    if last is None or last <= first:
        reading.add("range", span)
        return
    note = year_note(reading, span, first, how)
    reading.add("range", span, first, note=note, ends_on=last)


def read_day_month(reading, match):
    month, day = month_of(match, "month"), day_of(match, "day")
    resolved = resolve_month_day(month, day, reading.published_on, qualifier_kind(match)) if month and day else None
    if resolved is None:
        reading.add("day_month", match.span())
        return
    value, how = resolved
    reading.add("day_month", match.span(), value, note=year_note(reading, match.span(), value, how))


def qualifier_kind(match):
    qualifier = match.groupdict().get("qualifier")
    if not qualifier:
        return None
    for kind, pattern in QUALIFIER_KINDS:
        if pattern.fullmatch(qualifier):
            return kind
    return None


def resolve_month_day(month, day, published_on, qualifier):
    """The year a day and month without one fall in, told by the publication date and the words
    after them. Returns (date, how it was chosen) or None."""
    if published_on is None:
        return None
    offsets = {"last year": -1, "this year": 0, "next year": 1}
    if qualifier in offsets:
        value = safe_date(published_on.year + offsets[qualifier], month, day)
        if value is None:
            return None
        return value, {-1: "in the year before it", 0: "in the same year", 1: "in the year after it"}[offsets[qualifier]]
    # Nine years reach the 29 February before or after any date.
    if qualifier == "future":
        for year in range(published_on.year, published_on.year + 9):
            value = safe_date(year, month, day)
            if value is not None and value > published_on:
                return value, "the first one after it"
        return None
    for year in range(published_on.year, published_on.year - 9, -1):
        value = safe_date(year, month, day)
        if value is not None and value <= published_on:
            return value, "the most recent one on or before it"
    return None


def read_relative_word(reading, match):
    if reading.published_on is None:
        return
    shift = next(RELATIVE_DAYS[name] for name, text in match.groupdict().items() if text)
    written = reading.as_written(match.span())
    gloss = f" ({RELATIVE_GLOSSES[shift]})" if is_arabic(written) else ""
    note = f"The release dated {spoken(reading.published_on)} says {quoted(written)}{gloss}."
    reading.add("relative", match.span(), shifted(reading.published_on, shift), note=note)


def read_weekday(reading, match):
    if reading.published_on is None:
        return
    name = match.group("ar_weekday") or match.group("en_weekday")
    weekday = WEEKDAY_NUMBERS[name.lower()]
    when = " ".join((match.group("ar_when") or match.group("en_when") or "").lower().split())
    published = reading.published_on
    back = (published.weekday() - weekday) % 7
    if when in WEEKDAY_AFTER:
        value, how = shifted(published, (weekday - published.weekday() - 1) % 7 + 1), "the first {} after it"
    elif when in WEEKDAY_BEFORE:
        value, how = shifted(published, -(back or 7)), "the last {} before it"
    else:
        value, how = shifted(published, -back), "the most recent {} on or before it"
    written = reading.as_written(match.span())
    gloss = f" ({WEEKDAYS_EN[weekday]})" if is_arabic(written) else ""
    note = (f"The release dated {spoken(published)}, a {WEEKDAYS_EN[published.weekday()]}, says "
            f"{quoted(written)}{gloss}; taken as {how.format(WEEKDAYS_EN[weekday])}.")
    reading.add("weekday", match.span(), value, note=note)


def year_note(reading, span, value, how):
    return (f"The release dated {spoken(reading.published_on)} says {quoted(reading.as_written(span))} "
            f"without a year; taken as {spoken(value)}, {how}.")


def spoken(day):
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def is_arabic(written):
    return ARABIC_LETTER.search(written) is not None


def quoted(written):
    return f"«{written}»" if is_arabic(written) else f'"{written}"'


READERS = [
    (RANGE_DAY_FIRST, read_range),
    (RANGE_MONTH_FIRST, read_range),
    (DAY_MONTH_YEAR, read_full_date),
    (MONTH_DAY_YEAR, read_full_date),
    (NUMERIC_DATE, read_numeric_date),
    (HIJRI_DAY_MONTH_YEAR, read_hijri_full),
    (HIJRI_MONTH_YEAR, read_hijri_month),
    (HIJRI_YEAR, read_hijri_year),
    (MONTH_YEAR, read_month_year),
    (DAY_MONTH, read_day_month),
    (MONTH_DAY, read_day_month),
    (CUED_YEAR, read_cued_year),
    (RELATIVE_WORD, read_relative_word),
    (WEEKDAY, read_weekday),
]
