"""network.extraction.dates: the dates a press release states or implies, each with the precision
the text supports. Pure functions: no database."""
from datetime import date

import pytest

from network.extraction.dates import FoundDate, find_dates


def found(text, published_on=None):
    results = find_dates(text, published_on)
    for result in results:
        assert isinstance(result, FoundDate)
        assert text[result.start:result.end] == result.as_written
        assert result.inferred == (result.note != "")
    return results


def summary(results):
    return [(r.value, r.precision, r.inferred) for r in results]


def gregorian(results):
    return [r for r in results if r.calendar == "gregorian"]


# -- the seed sentences ---------------------------------------------------------------------------


def test_dateline_and_yesterday_are_both_returned():
    text = "الرياض، نيويورك، 2 أبريل 2021 – قام بالأمس كلٌ من وزير الخارجية والأمين العام"
    results = found(text, date(2021, 4, 2))
    assert summary(results) == [(date(2021, 4, 2), "day", False), (date(2021, 4, 1), "day", True)]
    assert results[0].as_written == "2 أبريل 2021"
    assert results[1].as_written == "بالأمس"
    assert results[1].note == "The release dated 2 April 2021 says «بالأمس» (yesterday)."


def test_yesterday_with_its_weekday_between_slashes():
    text = "ويعد الحوار الاستراتيجي الذي عقد أمس /الثلاثاء/، الأول من نوعه"
    results = found(text, date(2019, 3, 20))
    assert summary(results) == [(date(2019, 3, 19), "day", True), (date(2019, 3, 19), "day", True)]
    assert [r.as_written for r in results] == ["أمس", "الثلاثاء"]
    assert "Tuesday" in results[1].note


def test_month_and_year_is_month_precision():
    results = found("وقع في فبراير 2025 مذكرة تفاهم مع البرنامج")
    assert summary(results) == [(date(2025, 2, 1), "month", False)]
    assert results[0].as_written == "فبراير 2025"


def test_year_after_a_cue_word_is_year_precision():
    assert summary(found("تم إنشاؤه في عام 2017 بمبادرة من الصندوق")) == [(date(2017, 1, 1), "year", False)]
    assert summary(found("سنة 2017")) == [(date(2017, 1, 1), "year", False)]
    assert summary(found("The fund was set up in 2017.")) == [(date(2017, 1, 1), "year", False)]


def test_range_gives_its_first_day_and_its_end():
    results = found("التي تقام في الفترة من 8 إلى 10 ديسمبر 2020 في الدوحة")
    assert summary(results) == [(date(2020, 12, 8), "day", False)]
    assert results[0].ends_on == date(2020, 12, 10)
    assert results[0].as_written == "8 إلى 10 ديسمبر 2020"


@pytest.mark.parametrize("text", ["from 8 to 10 December 2020", "8-10 December 2020", "December 8-10, 2020",
                                  "between 8 and 10 December 2020"])
def test_english_ranges(text):
    results = found(text)
    assert summary(results) == [(date(2020, 12, 8), "day", False)]
    assert results[0].ends_on == date(2020, 12, 10)


def test_range_across_months():
    results = found("30 November – 2 December 2020")
    assert summary(results) == [(date(2020, 11, 30), "day", False)]
    assert results[0].ends_on == date(2020, 12, 2)


# -- numbers that are not dates -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "منتدى الدوحة 2019",
    "Doha Forum 2019 brought together 90 participants",
    "in line with Vision 2030",
    "رؤية المملكة 2030",
    "المؤتمر العام 2019",
])
def test_a_bare_four_digit_number_is_not_a_date(text):
    assert found(text, date(2019, 12, 15)) == []


@pytest.mark.parametrize("text", ["31 February 2021", "٣١ فبراير ٢٠٢١", "31/02/2021", "30 February"])
def test_impossible_dates_are_skipped(text):
    assert found(text, date(2021, 5, 1)) == []


def test_a_word_containing_today_is_not_today():
    assert found("نشرت الوكالة النشرة اليومية والتقارير اليومية", date(2020, 1, 1)) == []


def test_today_followed_by_an_adjective_is_a_day_not_today():
    # «اليوم الوطني» is National Day; «اليوم الاثنين» is "today, Monday".
    results = found("بمناسبة اليوم الوطني، اليوم الاثنين", date(2021, 4, 12))
    assert [r.as_written for r in results] == ["اليوم", "الاثنين"]
    assert summary(results) == [(date(2021, 4, 12), "day", True)] * 2


def test_dire_need_and_evening_are_not_yesterday():
    assert found("في أمس الحاجة إلى الدعم خلال الأمسية", date(2021, 4, 12)) == []


# -- month names ------------------------------------------------------------------------------------


def test_levantine_month_names():
    assert summary(found("في كانون الثاني 2024")) == [(date(2024, 1, 1), "month", False)]
    assert summary(found("2 تشرين الأول 2023")) == [(date(2023, 10, 2), "day", False)]
    assert summary(found("نيسان/أبريل 2021")) == [(date(2021, 4, 1), "month", False)]


def test_maghrebi_day_and_month_without_a_year_is_inferred():
    results = found("وكان الاتفاق قد أبرم يوم 21 جانفي الفارط", date(2025, 3, 10))
    assert summary(results) == [(date(2025, 1, 21), "day", True)]
    assert results[0].as_written == "21 جانفي الفارط"
    assert "10 March 2025" in results[0].note


def test_maghrebi_april():
    assert summary(found("وقع يوم 15 أفريل 2024 اتفاقية")) == [(date(2024, 4, 15), "day", False)]
    assert summary(found("15 افريل 2024")) == [(date(2024, 4, 15), "day", False)]


def test_day_and_month_look_ahead_when_the_text_says_next():
    results = found("يعقد الاجتماع في 5 مارس المقبل", date(2021, 4, 10))
    assert summary(results) == [(date(2022, 3, 5), "day", True)]


def test_day_and_month_of_last_year():
    assert summary(found("5 March last year", date(2021, 4, 10))) == [(date(2020, 3, 5), "day", True)]


def test_day_and_month_without_a_year_or_publication_date_is_skipped():
    assert found("21 جانفي الفارط") == []
    assert found("on 5 March") == []


def test_english_forms():
    for text in ["2 April 2021", "April 2, 2021", "2nd April 2021", "April 2nd, 2021", "2021-04-02", "02/04/2021"]:
        assert summary(found(text)) == [(date(2021, 4, 2), "day", False)], text
    assert summary(found("Sept. 5, 2021")) == [(date(2021, 9, 5), "day", False)]
    assert summary(found("April 2021")) == [(date(2021, 4, 1), "month", False)]


def test_numeric_dates_are_day_first_unless_they_cannot_be():
    assert summary(found("04/05/2021")) == [(date(2021, 5, 4), "day", False)]
    assert summary(found("04/25/2021")) == [(date(2021, 4, 25), "day", False)]


def test_a_modal_verb_is_not_a_month():
    assert found("Article 5 may be amended in march", date(2021, 4, 10)) == []


def test_arabic_ordinal_day():
    assert summary(found("الثاني من أبريل 2021")) == [(date(2021, 4, 2), "day", False)]


# -- digits -------------------------------------------------------------------------------------------


def test_arabic_indic_digits():
    results = found("الدوحة، ٢ أبريل ٢٠٢١")
    assert summary(results) == [(date(2021, 4, 2), "day", False)]
    assert results[0].as_written == "٢ أبريل ٢٠٢١"


def test_extended_persian_digits():
    assert summary(found("۱۶ ديسمبر ۲۰۱۸")) == [(date(2018, 12, 16), "day", False)]


def test_vowel_marks_and_direction_marks_are_read_through():
    text = "يعقد الاجتماع غدًا في \u200f16 ديسمبر 2018"
    results = found(text, date(2018, 12, 15))
    assert summary(results) == [(date(2018, 12, 16), "day", True), (date(2018, 12, 16), "day", False)]
    assert results[0].as_written == "غدًا"


# -- relative words -----------------------------------------------------------------------------------


def test_weekday_across_a_month_end():
    results = found("The ministers met on Wednesday in Riyadh.", date(2024, 10, 1))  # a Tuesday
    assert summary(results) == [(date(2024, 9, 25), "day", True)]
    assert results[0].as_written == "Wednesday"


def test_weekday_on_the_publication_day_is_that_day():
    assert summary(found("on Tuesday", date(2024, 10, 1))) == [(date(2024, 10, 1), "day", True)]


def test_last_and_next_weekdays():
    published = date(2024, 10, 1)  # a Tuesday
    assert summary(found("last Tuesday", published)) == [(date(2024, 9, 24), "day", True)]
    assert summary(found("next Monday", published)) == [(date(2024, 10, 7), "day", True)]
    assert summary(found("يوم الاثنين المقبل", published)) == [(date(2024, 10, 7), "day", True)]
    assert summary(found("الخميس الماضي", published)) == [(date(2024, 9, 26), "day", True)]


def test_yesterday_across_a_year_end():
    results = found("The agreement was signed yesterday in Geneva.", date(2024, 1, 1))
    assert summary(results) == [(date(2023, 12, 31), "day", True)]


def test_today_tomorrow_and_the_day_before_yesterday():
    published = date(2021, 4, 10)
    assert summary(found("اليوم", published)) == [(date(2021, 4, 10), "day", True)]
    assert summary(found("this morning", published)) == [(date(2021, 4, 10), "day", True)]
    assert summary(found("غدا", published)) == [(date(2021, 4, 11), "day", True)]
    assert summary(found("tomorrow", published)) == [(date(2021, 4, 11), "day", True)]
    assert summary(found("أول أمس", published)) == [(date(2021, 4, 8), "day", True)]


def test_today_beside_an_explicit_date_both_returned():
    results = found("today, 8 December 2020", date(2020, 12, 8))
    assert summary(results) == [(date(2020, 12, 8), "day", True), (date(2020, 12, 8), "day", False)]


def test_weekday_written_with_its_date_is_that_date():
    # Resolved against the publication date, "Monday" would be 3 May, not the 10 May it names.
    results = found("The conference opens on Monday, 10 May 2021.", date(2021, 5, 4))
    assert summary(results) == [(date(2021, 5, 10), "day", False)]


def test_without_publication_date_relative_words_are_skipped():
    assert found("قام بالأمس الوزير، واليوم /الثلاثاء/ يلتقي، وغدا يسافر. Yesterday, on Monday") == []


# -- Hijri ---------------------------------------------------------------------------------------------


def test_hijri_digits_are_never_read_as_a_gregorian_date():
    # Whether or not a converter is installed.
    results = found("الأحد 16 ديسمبر 2018 الموافق 9 ربيع الآخر 1440هـ", date(2018, 12, 17))
    assert summary(gregorian(results)) == [(date(2018, 12, 16), "day", False)]
    assert gregorian(results)[0].as_written == "16 ديسمبر 2018"
    assert all(r.calendar == "hijri" for r in results[1:])
    assert found("عام 1440هـ") == [] or found("عام 1440هـ")[0].calendar == "hijri"


def test_hijri_beside_gregorian_is_flagged_and_converted():
    pytest.importorskip("hijridate")
    results = found("الأحد 16 ديسمبر 2018 الموافق 9 ربيع الآخر 1440هـ", date(2018, 12, 17))
    assert [(r.value, r.precision, r.inferred, r.calendar) for r in results] == [
        (date(2018, 12, 16), "day", False, "gregorian"),
        (date(2018, 12, 16), "day", False, "hijri"),
    ]
    assert results[1].as_written == "9 ربيع الآخر 1440هـ"


@pytest.mark.parametrize("text", ["15 رمضان 1445 هـ", "١٥ رمضان ١٤٤٥هـ", "15 Ramadan 1445 AH", "15 رمضان 1445"])
def test_hijri_day(text):
    pytest.importorskip("hijridate")
    results = found(text)
    assert [(r.value, r.precision, r.inferred, r.calendar) for r in results] == [(date(2024, 3, 25), "day", False, "hijri")]


def test_hijri_month_and_year():
    pytest.importorskip("hijridate")
    assert [(r.value, r.precision, r.calendar) for r in found("الموافق 3 شعبان 1440ه")] == [(date(2019, 4, 8), "day", "hijri")]
    assert [(r.precision, r.calendar) for r in found("ذو الحجة 1444 هـ")] == [("month", "hijri")]
    assert [(r.precision, r.calendar) for r in found("في عام 1440هـ")] == [("year", "hijri")]


# -- robustness -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u200f\u064b", "2021-13-45", "99/99/9999", "٣١/٠٢/٢٠٢١", "من 10 إلى 8 ديسمبر 2020"])
def test_odd_text_never_raises(text):
    found(text, date.max)
    found(text, date.min)


def test_results_are_in_text_order():
    text = "في عام 2017، ثم في فبراير 2025، وأمس، و2 أبريل 2021"
    results = found(text, date(2025, 3, 1))
    assert [r.start for r in results] == sorted(r.start for r in results)
    assert len(results) == 4
