"""Sums of money stated in a press release, Arabic or English, for recording funding pledges.

A pledge is recorded the IATI way: a value, an ISO 4217 currency and, when the text states one, a
period. This module reports only what the text says. A number counts as money only with a
currency next to it, so counts of participants, percentages and years never become amounts; and
whatever could be read two ways (a bare «ريال», "EUR 1.500") is left out rather than guessed.

The text is read with its digits made Western first; the translation keeps every character in
place, so offsets found in the translated text are offsets in the text given.
"""
import re
from dataclasses import dataclass
from decimal import Decimal

import pycountry

from crm.numerals import ARABIC_DECIMAL_SEPARATOR, WESTERN_DIGITS
from crm.search import ARABIC_LETTER_FOLDS

__all__ = ["FoundAmount", "find_amounts"]


@dataclass(frozen=True)
class FoundAmount:
    value: Decimal  # the whole sum: "75 مليون" → Decimal("75000000")
    currency: str  # ISO 4217 code, upper case
    period_months: int | None  # "over five years" → 60; None when not stated
    start: int  # offsets of the whole expression (number through currency and period)
    end: int
    as_written: str


# --- Writing Arabic patterns -------------------------------------------------------------------

ARABIC_LETTERS = "\u0621-\u063A\u0641-\u064A\u0671-\u06D3"
# Short vowels, tanween, shadda, sukun and the tatweel stretch may sit on any letter; press text
# writes «مليوناً» and «مليونًا» and «مليونا» for the same word.
ARABIC_MARKS = "[\u064B-\u0652\u0670\u0640]*"
ALEFS = "اأإآ"
# A sum does not continue onto the next line.
SPACE = r"[^\S\n]"
ARABIC_WORD_END = f"(?![{ARABIC_LETTERS}])"
ENGLISH_WORD_END = "(?![A-Za-z])"
# Arabic attaches "and", "by/with" and "for" to the word that follows («بـ75», «بخمسة», «وسبعون»),
# so a number word may start after one of those letters as long as they start the word.
_NOT_AFTER_LETTER = f"(?<![{ARABIC_LETTERS}])"
ARABIC_WORD_START = (
    f"(?:(?<![{ARABIC_LETTERS}\u0640])"
    f"|(?<={_NOT_AFTER_LETTER}[وبل])"
    f"|(?<={_NOT_AFTER_LETTER}وب)"
    f"|(?<={_NOT_AFTER_LETTER}[وبل]\u0640)"
    f"|(?<={_NOT_AFTER_LETTER}وب\u0640))"
)
_MARKS_AND_SPACES = re.compile(r"[\u064B-\u0652\u0670\u0640\s]")


def arabic(pattern):
    """`pattern` with press Arabic's spelling variants allowed: any hamza on alef, ه for ة, ى for ي,
    diacritics on any letter, and any run of spaces where it has one space."""
    pieces = []
    for char in pattern:
        if char in ALEFS:
            pieces.append(f"[{ALEFS}]{ARABIC_MARKS}")
        elif char in "ةه":
            pieces.append(f"[ةه]{ARABIC_MARKS}")
        elif char in "يى":
            pieces.append(f"[يى]{ARABIC_MARKS}")
        elif "\u0621" <= char <= "\u064A":
            pieces.append(char + ARABIC_MARKS)
        elif char == " ":
            pieces.append(SPACE + "+")
        else:
            pieces.append(char)
    return "".join(pieces)


def arabic_key(word):
    """The spelling `word` is looked up under, whatever hamza, diacritics or final letter form."""
    return _MARKS_AND_SPACES.sub("", word).translate(ARABIC_LETTER_FOLDS)


def any_arabic(words):
    """One alternation of Arabic words, longest first so that «ستة» is not read as «ست»."""
    return "(?:" + "|".join(arabic(word) for word in sorted(words, key=len, reverse=True)) + ")"


def any_word(words):
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


# --- Numbers written in words --------------------------------------------------------------------

ENGLISH_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
ENGLISH_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
ENGLISH_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
ENGLISH_NUMBER_VALUES = {**ENGLISH_UNITS, **ENGLISH_TEENS, **ENGLISH_TENS}
_EN_UNIT, _EN_TEEN, _EN_TEN = any_word(ENGLISH_UNITS), any_word(ENGLISH_TEENS), any_word(ENGLISH_TENS)
_EN_BELOW_HUNDRED = rf"(?:{_EN_TEN}(?:[- ]{_EN_UNIT})?|{_EN_TEEN}|{_EN_UNIT})\b"
ENGLISH_NUMBER = (
    rf"(?i:\b(?:(?:{_EN_TEEN}|{_EN_UNIT})\s+hundred\b(?:(?:\s+and)?\s+{_EN_BELOW_HUNDRED})?|{_EN_BELOW_HUNDRED}))"
)

ARABIC_NUMBER_WORDS = {
    "واحد": 1, "واحدة": 1, "أحد": 1, "إحدى": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2, "اثنتا": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
    "مائة": 100, "مئة": 100,
    "مائتان": 200, "مائتين": 200, "مائتا": 200, "مائتي": 200,
    "مئتان": 200, "مئتين": 200, "مئتا": 200, "مئتي": 200,
}
for _stem, _hundreds in (("ثلاث", 3), ("أربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9)):
    ARABIC_NUMBER_WORDS[_stem + "مائة"] = ARABIC_NUMBER_WORDS[_stem + "مئة"] = _hundreds * 100
ARABIC_NUMBER_VALUES = {arabic_key(word): value for word, value in ARABIC_NUMBER_WORDS.items()}

ARABIC_NUMBER_WORD = any_arabic(ARABIC_NUMBER_WORDS) + ARABIC_WORD_END
# «خمسة عشر» is fifteen and «ثلاث مائة» three hundred: the second word joins the first.
_ARABIC_JOINED_WORD = rf"(?:{SPACE}+{any_arabic(['عشر', 'عشرة', 'مائة', 'مئة'])}{ARABIC_WORD_END})?"
# «مائة وخمسة وعشرون»: Arabic says compound numbers as parts joined by «و».
ARABIC_NUMBER = (
    rf"{ARABIC_NUMBER_WORD}{_ARABIC_JOINED_WORD}"
    rf"(?:{SPACE}+و{SPACE}*{ARABIC_NUMBER_WORD}{_ARABIC_JOINED_WORD})*"
)


def english_number_value(phrase):
    value = 0
    for word in re.findall(r"[a-z]+", phrase.lower()):
        if word == "hundred":
            value *= 100
        elif word != "and":
            value += ENGLISH_NUMBER_VALUES[word]
    return value


def arabic_number_value(phrase):
    """The parts of an Arabic number add up, except a unit followed without «و» by «عشر» (a teen)
    or by «مائة» (hundreds)."""
    parts = []
    joined_by_and = False
    for word in phrase.split():
        if word == "و":
            joined_by_and = True
            continue
        key = arabic_key(word)
        if key not in ARABIC_NUMBER_VALUES:
            key, joined_by_and = key[1:], True  # «وسبعون»: the «و» is attached
        value = ARABIC_NUMBER_VALUES[key]
        if parts and not joined_by_and and parts[-1] < 10 and value == 10:
            parts[-1] += 10
        elif parts and not joined_by_and and parts[-1] < 10 and value == 100:
            parts[-1] *= 100
        else:
            parts.append(value)
        joined_by_and = False
    return sum(parts)


# --- Quantities: a number and its scale ----------------------------------------------------------

DIGIT_NUMBER = (
    r"(?<![\d.,\u066b\u066c])(?:"
    r"(?P<comma_grouped>\d{1,3}(?:[,\u066c]\d{3})+(?:[.\u066b]\d+)?)"
    # A single dot is a decimal point ("1.5 million"); dots group thousands only when there
    # are two or more of them ("1.500.000").
    r"|(?P<dot_grouped>\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?)"
    r"|(?P<space_grouped>\d{1,3}(?:[ \u00a0\u202f]\d{3})+)"
    r"|(?P<decimal_comma>\d+,\d{1,2})"
    r"|(?P<plain>\d+(?:[.\u066b]\d+)?)"
    r")(?!\d|[.,\u066b\u066c]\d)"
)

SCALES = {
    "thousand": 10**3, "thousands": 10**3, "k": 10**3,
    "million": 10**6, "millions": 10**6, "m": 10**6, "mn": 10**6, "mln": 10**6,
    "billion": 10**9, "billions": 10**9, "b": 10**9, "bn": 10**9, "bln": 10**9,
    "trillion": 10**12, "trillions": 10**12,
}
# After a number: the singular, the plural (3-10) and the accusative singular (11-99).
ARABIC_SCALES = {
    "ألف": 10**3, "آلاف": 10**3, "ألفا": 10**3,
    "مليون": 10**6, "ملايين": 10**6, "مليونا": 10**6,
    "مليار": 10**9, "مليارات": 10**9, "مليارا": 10**9,
    "بليون": 10**9, "بلايين": 10**9, "بليونا": 10**9,
    "تريليون": 10**12, "تريليونات": 10**12,
}
# With no number before it, a scale word is itself the count: «مليون دولار» is one million,
# and the dual «مليونا دولار», «مليوني دولار» is two million.
ARABIC_SCALE_ALONE = {
    "ألف": (1, 10**3), "مليون": (1, 10**6), "مليار": (1, 10**9), "بليون": (1, 10**9),
}
for _word, _scale in (("ألف", 10**3), ("مليون", 10**6), ("مليار", 10**9), ("بليون", 10**9)):
    for _ending in ("ا", "ان", "ي", "ين"):
        ARABIC_SCALE_ALONE[_word + _ending] = (2, _scale)
SCALE_VALUES = {**SCALES, **{arabic_key(word): value for word, value in ARABIC_SCALES.items()}}
ARABIC_SCALE_ALONE_VALUES = {arabic_key(word): count_and_scale for word, count_and_scale in ARABIC_SCALE_ALONE.items()}

QUANTITY = re.compile(
    rf"(?P<digits>{DIGIT_NUMBER})"
    rf"|(?P<english>{ENGLISH_NUMBER})"
    rf"|{ARABIC_WORD_START}(?P<arabic>{ARABIC_NUMBER})"
    rf"|{ARABIC_WORD_START}(?P<scale_alone>{any_arabic(ARABIC_SCALE_ALONE)}){ARABIC_WORD_END}"
)
# "$1.2b" only when attached: a spaced "b" is too often something else.
SCALE = re.compile(
    rf"(?P<scale>(?i:b)(?![A-Za-z0-9])"
    rf"|{SPACE}*(?i:{any_word(word for word in SCALES if word != 'b')})(?![A-Za-z0-9])"
    rf"|{SPACE}*{any_arabic(ARABIC_SCALES)}{ARABIC_WORD_END})"
)
# «مليار و200 مليون دولار»: Arabic joins a larger and a smaller scale with «و».
AND_SMALLER = re.compile(rf"{SPACE}+و{SPACE}*")
PERCENT = re.compile(
    rf"{SPACE}*(?:%|\u066a|(?i:per{SPACE}?cent|percent){ENGLISH_WORD_END}"
    rf"|{any_arabic(['في المائة', 'في المئة', 'بالمائة', 'بالمئة'])}{ARABIC_WORD_END})"
)


# --- Currencies ---------------------------------------------------------------------------------

# Three capitals next to a number are a currency only when ISO 4217 has them; these few are also
# ordinary words or acronyms written in capitals.
ISO_CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - {
    "ALL", "BOB", "CUP", "MOP", "PEN", "SOS", "TOP", "XTS", "XXX",
}
DOLLAR_PREFIXES = {
    "": "USD", "US": "USD", "U.S.": "USD", "A": "AUD", "AU": "AUD", "C": "CAD", "CA": "CAD",
    "NZ": "NZD", "HK": "HKD", "S": "SGD",
}
# Gulf newspapers in English write QR 10 million, SR, Dhs, KD.
LOCAL_ABBREVIATIONS = {"QR": "QAR", "SR": "SAR", "Dhs": "AED", "Dh": "AED", "KD": "KWD"}
SYMBOLS = {"€": "EUR", "£": "GBP"}
# No ¥: it is written for the yuan as much as for the yen.

CURRENCY_BEFORE = re.compile(
    r"(?:"
    r"(?P<dollar>(?:(?<![A-Za-z])(?P<dollar_prefix>US|U\.S\.|AU|A|CA|C|NZ|HK|S)[^\S\n]?)?\$)"
    r"|(?P<symbol>[€£])"
    rf"|(?<![A-Za-z])(?P<abbreviation>{any_word(LOCAL_ABBREVIATIONS)})\.?"
    r"|(?<![A-Za-z])(?P<code>[A-Z]{3})(?![A-Za-z])"
    rf"){SPACE}*\Z"
)

# Longest first where one name starts another: "Canadian dollars" before "dollars".
CURRENCY_NAMES = [
    (r"(?:US|U\.S\.|American|United\s+States)\s+dollars?", "USD"),
    (r"Canadian\s+dollars?", "CAD"),
    (r"Australian\s+dollars?", "AUD"),
    (r"New\s+Zealand\s+dollars?", "NZD"),
    (r"Hong\s+Kong\s+dollars?", "HKD"),
    (r"Singapore\s+dollars?", "SGD"),
    # A press release that says "dollars" without a country means US dollars.
    (r"dollars?", "USD"),
    (r"euros?", "EUR"),
    (r"pounds?\s+sterling|British\s+pounds?|sterling", "GBP"),
    (r"Egyptian\s+pounds?", "EGP"),
    (r"Swiss\s+francs?", "CHF"),
    (r"Qatari\s+ri[ay]als?", "QAR"),
    (r"Saudi\s+ri[ay]als?", "SAR"),
    (r"Omani\s+ri[ay]als?", "OMR"),
    (r"Moroccan\s+dirhams?", "MAD"),
    # Dirhams with no country are the UAE's in the press this reads.
    (r"(?:UAE\s+|Emirati\s+)?dirhams?", "AED"),
    (r"(?:Japanese\s+)?yen", "JPY"),
    (r"Norwegian\s+kron(?:er|e|or|a)", "NOK"),
    (r"Swedish\s+kron(?:or|a|er)", "SEK"),
    (r"Danish\s+kron(?:er|e)", "DKK"),
    (r"Kuwaiti\s+dinars?", "KWD"),
    (r"Bahraini\s+dinars?", "BHD"),
    (r"Jordanian\s+dinars?", "JOD"),
    (r"(?:Chinese\s+)?yuan|renminbi", "CNY"),
]
_DOLLAR = "(?:دولار|دولارا|دولارات)"
ARABIC_CURRENCY_NAMES = [
    (f"{_DOLLAR} (?:أمريكي|أميركي)(?:ة|ا)?", "USD"),
    (f"{_DOLLAR} كندي(?:ة|ا)?", "CAD"),
    (f"{_DOLLAR} (?:أسترالي|استرالي)(?:ة|ا)?", "AUD"),
    # «دولار» alone: the Arabic press means the US dollar unless it names another country.
    (_DOLLAR, "USD"),
    ("يورو", "EUR"),
    ("(?:جنيه|جنيها|جنيهات) (?:إسترليني|استرليني)(?:ة|ا)?", "GBP"),
    ("(?:جنيه|جنيها|جنيهات) مصري(?:ة|ا)?", "EGP"),
    # A bare «ريال», «دينار», «درهم» or «جنيه» could be any of several countries' and is skipped.
    ("(?:ريال|ريالا|ريالات) قطري(?:ة|ا)?", "QAR"),
    ("(?:ريال|ريالا|ريالات) سعودي(?:ة|ا)?", "SAR"),
    ("(?:ريال|ريالا|ريالات) عماني(?:ة|ا)?", "OMR"),
    ("(?:درهم|درهما|دراهم) إماراتي(?:ة|ا)?", "AED"),
    ("(?:درهم|درهما|دراهم) مغربي(?:ة|ا)?", "MAD"),
    ("(?:دينار|دينارا|دنانير) كويتي(?:ة|ا)?", "KWD"),
    ("(?:دينار|دينارا|دنانير) بحريني(?:ة|ا)?", "BHD"),
    ("(?:دينار|دينارا|دنانير) أردني(?:ة|ا)?", "JOD"),
    ("(?:دينار|دينارا|دنانير) عراقي(?:ة|ا)?", "IQD"),
    ("(?:فرنك|فرنكا|فرنكات) سويسري(?:ة|ا)?", "CHF"),
    ("(?:كرونة|كرونات|كرونر) نرويجي(?:ة)?", "NOK"),
    ("(?:كرونة|كرونات|كرونر) سويدي(?:ة)?", "SEK"),
    ("(?:كرونة|كرونات|كرونر) دنماركي(?:ة)?", "DKK"),
    ("ليرة تركي(?:ة)?", "TRY"),
    ("ين(?: ياباني)?", "JPY"),
    ("يوان(?: صيني)?", "CNY"),
]


def _named_alternatives(prefix, pieces):
    """One alternation with a group per piece, and which currency each group stands for."""
    groups = {f"{prefix}{index}": code for index, (_pattern, code) in enumerate(pieces)}
    pattern = "|".join(f"(?P<{prefix}{index}>{piece})" for index, (piece, _code) in enumerate(pieces))
    return pattern, groups


_ENGLISH_NAMES, _ENGLISH_NAME_CODES = _named_alternatives("en", CURRENCY_NAMES)
_ARABIC_NAMES, _ARABIC_NAME_CODES = _named_alternatives(
    "ar", [(arabic(pattern), code) for pattern, code in ARABIC_CURRENCY_NAMES]
)
CURRENCY_NAME_CODES = {**_ENGLISH_NAME_CODES, **_ARABIC_NAME_CODES}
# A symbol or code followed by a number belongs to that number ("in 2019 $5m"), not to the one
# before it.
CURRENCY_AFTER = re.compile(
    rf"{SPACE}*(?:"
    rf"(?i:{_ENGLISH_NAMES}){ENGLISH_WORD_END}"
    rf"|(?:{_ARABIC_NAMES}){ARABIC_WORD_END}"
    rf"|(?P<code>[A-Z]{{3}})(?![A-Za-z])(?!{SPACE}*\d)"
    rf"|(?P<symbol>US\$|\$|€|£)(?!{SPACE}*\d)"
    rf")"
)


# --- Periods ------------------------------------------------------------------------------------

# An amount "a year" is a yearly rate, not a total over a period: no period is attached to it.
PER_YEAR = re.compile(
    rf"{SPACE}*,?{SPACE}*(?:"
    rf"(?i:annually|yearly|monthly|per\s+annum|(?:a|per|each|every)\s+(?:year|month)){ENGLISH_WORD_END}"
    rf"|{any_arabic(['سنويا', 'شهريا', 'في السنة', 'في العام', 'كل عام', 'كل سنة', 'في الشهر', 'كل شهر'])}"
    rf"{ARABIC_WORD_END})"
)

ENGLISH_PERIOD = (
    r"(?i:(?:over\s+the\s+course\s+of|spread\s+over|over|for|during|across|within)\s+"
    r"(?:(?:a|the)\s+(?:period|span|term)\s+of\s+)?"
    r"(?:the\s+(?:next|coming|following|first)\s+)?"
    r"(?:"
    rf"(?:an?\s+)?(?P<en_count>\d+|{ENGLISH_NUMBER})[\s-]+(?P<en_unit>year|month)s?"
    r"(?:\s+(?:period|term|span|time\s?frame))?"
    r"|(?P<en_one>an?|one)\s+(?P<en_one_unit>year|month)"
    rf"){ENGLISH_WORD_END})"
)
ARABIC_PERIOD_UNITS = ["سنوات", "سنين", "سنة", "أعوام", "عام", "عاما", "أشهر", "شهور", "شهر", "شهرا"]
ARABIC_DUAL_PERIODS = ["عامين", "عامان", "سنتين", "سنتان", "شهرين", "شهران"]
ARABIC_PERIOD_INTRODUCTIONS = ["على مدى", "على مدار", "على امتداد", "على فترة", "لمدة", "لفترة", "خلال", "طوال", "طيلة", "في غضون"]
ARABIC_PERIOD = (
    rf"{any_arabic(ARABIC_PERIOD_INTRODUCTIONS)}"
    rf"{ARABIC_WORD_END}{SPACE}+(?:{arabic('فترة')}{SPACE}+)?(?:"
    rf"(?P<ar_count>\d+|{ARABIC_NUMBER}){SPACE}+(?P<ar_unit>{any_arabic(ARABIC_PERIOD_UNITS)})"
    rf"|(?:{arabic('ال')})?(?P<ar_dual>{any_arabic(ARABIC_DUAL_PERIODS)})"
    # «على مدى السنوات الخمس المقبلة»
    rf"|{arabic('ال')}(?P<ar_known_unit>{any_arabic(['سنوات', 'أعوام', 'أشهر', 'شهور'])}){SPACE}+"
    rf"{arabic('ال')}(?P<ar_known_count>{ARABIC_NUMBER_WORD})"
    rf"(?:{SPACE}+{any_arabic(['المقبلة', 'القادمة', 'التالية'])})?"
    # «لمدة عام» is a year long; «خلال عام 2020» names a year.
    rf"|(?P<ar_single>{any_arabic(['عام', 'سنة', 'شهر'])}){ARABIC_WORD_END}(?!{SPACE}*\d)"
    rf"){ARABIC_WORD_END}"
)
# The period may come a few words after the sum, still in its clause: "USD 75 million to the
# Office over five years". Digits, currency signs and punctuation end the clause.
_CLAUSE_WORD = r"[^\s\d.,;:!?؛،()\[\]{}\"“”«»$€£%\u066a]+"
PERIOD_AFTER = re.compile(
    rf"(?:{SPACE}+{_CLAUSE_WORD}){{0,5}}?{SPACE}+(?P<period>{ENGLISH_PERIOD}|{ARABIC_PERIOD})"
)


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quantity:
    value: Decimal
    scale: int
    start: int
    end: int


@dataclass(frozen=True)
class _Sum:
    value: Decimal
    currency: str
    start: int
    end: int


def find_amounts(text: str) -> list[FoundAmount]:
    """Every sum of money in `text`, in text order."""
    western = text.translate(WESTERN_DIGITS)
    sums = []
    for candidate in QUANTITY.finditer(western):
        if sums and candidate.start() < sums[-1].end:
            continue
        found = _read_sum(western, candidate.start())
        if found:
            sums.append(found)
    amounts = []
    for index, found in enumerate(sums):
        next_start = sums[index + 1].start if index + 1 < len(sums) else len(western)
        months, end = _read_period(western, found.end, next_start)
        amounts.append(FoundAmount(found.value, found.currency, months, found.start, end, text[found.start:end]))
    return amounts


def _read_sum(text, position):
    quantity = _read_quantity(text, position)
    if quantity is None:
        return None
    before = CURRENCY_BEFORE.search(text, max(0, quantity.start - 16), quantity.start)
    after = CURRENCY_AFTER.match(text, quantity.end)
    currency_before = _currency_before(before) if before else None
    currency_after = _currency_after(after) if after else None
    currencies = {code for code in (currency_before, currency_after) if code}
    if len(currencies) != 1:  # none stated, or "$5 million euros": not ours to decide
        return None
    # "constant 2015 US dollars", "5 million USD 2019": a year next to a currency name or code is
    # still a year. Only a sign in front ("$2000") makes such a number money.
    if _looks_like_a_year(text, quantity) and not (currency_before and (before["dollar"] or before["symbol"])):
        return None
    start = before.start() if currency_before else quantity.start
    end = after.end() if currency_after else quantity.end
    return _Sum(_whole(quantity.value), currencies.pop(), start, end)


def _read_quantity(text, position):
    first = _read_part(text, position)
    if first is None:
        return None
    value, scale, end = first.value, first.scale, first.end
    while scale > 1 and (joint := AND_SMALLER.match(text, end)):
        part = _read_part(text, joint.end())
        if part is None or part.scale >= scale:
            break
        value, scale, end = value + part.value, part.scale, part.end
    return _Quantity(value, first.scale, first.start, end)


def _read_part(text, position):
    """A number and its scale word ("1.5 million", «ثلاثة مليارات», «مليون»), or None."""
    number = QUANTITY.match(text, position)
    if number is None:
        return None
    if number["scale_alone"]:
        count, scale = ARABIC_SCALE_ALONE_VALUES[arabic_key(number["scale_alone"])]
        return _Quantity(Decimal(count * scale), scale, number.start("scale_alone"), number.end())
    if PERCENT.match(text, number.end()):
        return None
    value, ambiguous = _number_value(number)
    scale_word = SCALE.match(text, number.end())
    scale = _scale_value(scale_word["scale"]) if scale_word else 1
    if ambiguous and scale == 1:
        return None
    start = next(number.start(kind) for kind in ("digits", "english", "arabic") if number[kind])
    return _Quantity(value * scale, scale, start, scale_word.end() if scale_word else number.end())


def _number_value(number):
    """The number's value, and whether it could also be read as another one ("1.500")."""
    if number["english"]:
        return Decimal(english_number_value(number["english"])), False
    if number["arabic"]:
        return Decimal(arabic_number_value(number["arabic"])), False
    if number["dot_grouped"]:
        return Decimal(number["dot_grouped"].replace(".", "").replace(",", ".")), False
    if number["decimal_comma"]:
        return Decimal(number["decimal_comma"].replace(",", ".")), False
    ambiguous = bool(number["plain"]) and re.fullmatch(r"\d{1,3}\.\d{3}", number["plain"]) is not None
    digits = number["digits"].replace(ARABIC_DECIMAL_SEPARATOR, ".")
    return Decimal(re.sub(r"[,\u066c\s]", "", digits)), ambiguous


def _scale_value(word):
    word = word.strip()
    return SCALES.get(word.lower()) or SCALE_VALUES[arabic_key(word)]


def _currency_before(match):
    if match["symbol"]:
        return SYMBOLS[match["symbol"]]
    if match["abbreviation"]:
        return LOCAL_ABBREVIATIONS[match["abbreviation"]]
    if match["code"]:
        return match["code"] if match["code"] in ISO_CURRENCIES else None
    return DOLLAR_PREFIXES[match["dollar_prefix"] or ""]


def _currency_after(match):
    if match["code"]:
        return match["code"] if match["code"] in ISO_CURRENCIES else None
    if match["symbol"]:
        return "USD" if "$" in match["symbol"] else SYMBOLS[match["symbol"]]
    return CURRENCY_NAME_CODES[match.lastgroup]


def _looks_like_a_year(text, quantity):
    written = text[quantity.start:quantity.end]
    return quantity.scale == 1 and re.fullmatch(r"(?:19|20)\d\d", written) is not None


def _read_period(text, position, next_sum_start):
    """The period stated after the sum ending at `position`, in months, and where the expression
    ends; no period when the sum is a yearly rate or the period belongs to the next sum."""
    if PER_YEAR.match(text, position):
        return None, position
    found = PERIOD_AFTER.match(text, position)
    if found is None or found.end() > next_sum_start:
        return None, position
    return _months(found), found.end()


def _months(found):
    if found["en_count"]:
        count, unit = _count_value(found["en_count"]), found["en_unit"].lower()
    elif found["en_one"]:
        count, unit = 1, found["en_one_unit"].lower()
    elif found["ar_count"]:
        count, unit = _count_value(found["ar_count"]), found["ar_unit"]
    elif found["ar_dual"]:
        count, unit = 2, found["ar_dual"]
    elif found["ar_known_count"]:
        count, unit = _count_value(found["ar_known_count"]), found["ar_known_unit"]
    else:
        count, unit = 1, found["ar_single"]
    is_months = unit.startswith("month") or "شهر" in arabic_key(unit) or "شهور" in arabic_key(unit)
    return count if is_months else count * 12


def _count_value(written):
    if written.isdigit():
        return int(written)
    if re.match(r"[A-Za-z]", written):
        return english_number_value(written)
    return arabic_number_value(written)


def _whole(value):
    """1.5 × 1,000,000 as 1500000, not 1500000.0."""
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()
