"""Sums of money found in press releases: what the text states, and nothing it does not."""
from decimal import Decimal

import pytest

from network.extraction.amounts import FoundAmount, find_amounts

QATAR_UNOCT = "وبموجب الاتفاق تقدم دولة قطر مساهمة قيمتها 75 مليون دولار على مدى خمس سنوات لمكتب مكافحة الإرهاب"


def found(text):
    """(value, currency, period_months, as_written) of every amount, checking the offsets."""
    amounts = find_amounts(text)
    for amount in amounts:
        assert isinstance(amount, FoundAmount)
        assert amount.as_written == text[amount.start:amount.end]
    return [(amount.value, amount.currency, amount.period_months, amount.as_written) for amount in amounts]


@pytest.mark.parametrize(
    "text, value, currency, months, as_written",
    [
        (QATAR_UNOCT, "75000000", "USD", 60, "75 مليون دولار على مدى خمس سنوات"),
        ("Qatar pledged USD 75 million over five years", "75000000", "USD", 60, "USD 75 million over five years"),
        ("The fund received $1.5m.", "1500000", "USD", None, "$1.5m"),
        ("EUR 2,500,000", "2500000", "EUR", None, "EUR 2,500,000"),
        ("تبرعت بمبلغ ١٠ ملايين يورو", "10000000", "EUR", None, "١٠ ملايين يورو"),
        ("بقيمة 3 مليارات ريال سعودي على مدار عامين", "3000000000", "SAR", 24, "3 مليارات ريال سعودي على مدار عامين"),
        ("CHF 250,000 for two years", "250000", "CHF", 24, "CHF 250,000 for two years"),
        ("500 ألف درهم إماراتي", "500000", "AED", None, "500 ألف درهم إماراتي"),
        ("USD 1.2bn", "1200000000", "USD", None, "USD 1.2bn"),
        ("بـ75 مليون دولار", "75000000", "USD", None, "75 مليون دولار"),
        ("ب 10 ملايين يورو", "10000000", "EUR", None, "10 ملايين يورو"),
        ("بمبلغ ١٫٥ مليون دولار أمريكي", "1500000", "USD", None, "١٫٥ مليون دولار أمريكي"),
        ("٧٥٬٠٠٠٬٠٠٠ دولار", "75000000", "USD", None, "٧٥٬٠٠٠٬٠٠٠ دولار"),
        ("EUR 1.500.000", "1500000", "EUR", None, "EUR 1.500.000"),
        ("1 500 000 EUR", "1500000", "EUR", None, "1 500 000 EUR"),
        ("QR 10 million", "10000000", "QAR", None, "QR 10 million"),
        ("US$ 2.5 million", "2500000", "USD", None, "US$ 2.5 million"),
        ("10 million Canadian dollars", "10000000", "CAD", None, "10 million Canadian dollars"),
        ("300 مليون كرونة نرويجية", "300000000", "NOK", None, "300 مليون كرونة نرويجية"),
        ("JPY 500 million", "500000000", "JPY", None, "JPY 500 million"),
        ("XOF 40 million", "40000000", "XOF", None, "XOF 40 million"),
    ],
)
def test_amount_in_figures(text, value, currency, months, as_written):
    assert found(text) == [(Decimal(value), currency, months, as_written)]


@pytest.mark.parametrize(
    "text, value, currency, months, as_written",
    [
        ("five million dollars", "5000000", "USD", None, "five million dollars"),
        ("خمسة ملايين دولار", "5000000", "USD", None, "خمسة ملايين دولار"),
        ("ثلاثة مليارات دولار", "3000000000", "USD", None, "ثلاثة مليارات دولار"),
        ("خمسة وسبعون مليون دولار لمدة ثلاث سنوات", "75000000", "USD", 36, "خمسة وسبعون مليون دولار لمدة ثلاث سنوات"),
        ("twenty-five million euros over a five-year period", "25000000", "EUR", 60,
         "twenty-five million euros over a five-year period"),
        ("two hundred and fifty thousand US dollars", "250000", "USD", None,
         "two hundred and fifty thousand US dollars"),
        ("بمليون دولار", "1000000", "USD", None, "مليون دولار"),
        ("مليونا دولار", "2000000", "USD", None, "مليونا دولار"),
        ("مليار و200 مليون دولار", "1200000000", "USD", None, "مليار و200 مليون دولار"),
        ("ثلاثة ملايين ومائتي ألف دولار", "3200000", "USD", None, "ثلاثة ملايين ومائتي ألف دولار"),
    ],
)
def test_amount_in_words(text, value, currency, months, as_written):
    assert found(text) == [(Decimal(value), currency, months, as_written)]


@pytest.mark.parametrize(
    "text, months",
    [
        ("$75m over 18 months", 18),
        ("$75m over 3 years", 36),
        ("بقيمة 20 مليون دولار على مدى 18 شهراً", 18),
        ("20 مليون دولار خلال ثلاث سنوات", 36),
        ("20 مليون دولار لمدة عامين", 24),
        ("250 000 NOK for a year", 12),
        ("100 مليون دولار على مدى السنوات الخمس المقبلة", 60),
        ("USD 75 million to the Office over five years", 60),
    ],
)
def test_period_after_the_amount(text, months):
    [amount] = find_amounts(text)
    assert amount.period_months == months
    assert amount.end == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "5 ملايين دولار سنويا لمدة خمس سنوات",  # a yearly rate, not a total over five years
        "$10 million a year for five years",
        "75 مليون دولار، على مدى خمس سنوات",  # another clause
    ],
)
def test_no_period_for_a_rate_or_another_clause(text):
    [amount] = find_amounts(text)
    assert amount.period_months is None
    assert amount.as_written in {"5 ملايين دولار", "$10 million", "75 مليون دولار"}


@pytest.mark.parametrize(
    "text",
    [
        "يشارك أكثر من 90 مشاركاً من 39 منظمة",
        "90 participants from 39 organisations",
        "75%",
        "75 في المائة",
        "منتدى الدوحة 2019",
        "Resolution 2178",
        "Call +974 4444 5555",
        "دفع 100 ريال",  # which country's riyal is not said
        "10 ملايين دينار",
        "constant 2015 US dollars",
        "عشرات الملايين من الدولارات",
        "EUR 1.500",  # 1.5 or 1500
        "$5 million euros",  # two currencies for one sum
        "على مدى 18 شهرا",
    ],
)
def test_not_an_amount(text):
    assert find_amounts(text) == []


def test_two_amounts_in_text_order():
    text = "Qatar gave $5m in 2019 and €3.2 million in 2020."
    assert found(text) == [
        (Decimal(5000000), "USD", None, "$5m"),
        (Decimal(3200000), "EUR", None, "€3.2 million"),
    ]


def test_two_arabic_amounts_with_their_own_periods():
    text = "قدمت قطر 75 مليون دولار على مدى خمس سنوات، ثم 500 ألف درهم إماراتي لمدة عامين."
    assert found(text) == [
        (Decimal(75000000), "USD", 60, "75 مليون دولار على مدى خمس سنوات"),
        (Decimal(500000), "AED", 24, "500 ألف درهم إماراتي لمدة عامين"),
    ]


def test_a_period_after_the_next_amount_is_the_next_ones():
    assert found("€5m and $3m over two years") == [
        (Decimal(5000000), "EUR", None, "€5m"),
        (Decimal(3000000), "USD", 24, "$3m over two years"),
    ]


def test_a_currency_sign_belongs_to_the_number_after_it():
    assert found("In 2019 $5 million was given") == [(Decimal(5000000), "USD", None, "$5 million")]


def test_offsets_point_into_the_text_given():
    [amount] = find_amounts(QATAR_UNOCT)
    assert QATAR_UNOCT[amount.start:amount.end] == amount.as_written
    assert QATAR_UNOCT[: amount.start].endswith("قيمتها ")
