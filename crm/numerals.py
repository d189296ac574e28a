"""Numbers as people type and read them: Arabic-Indic digits and Arabic separators accepted,
amounts shown grouped by thousands and without trailing zeros."""
from decimal import Decimal

# Arabic-Indic (٠١٢…) and Eastern Arabic-Indic (Persian/Urdu keyboards: ۰۱۲…) digits.
WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# Thousands separators people type: comma, Arabic thousands separator, Arabic comma, spaces.
GROUPING = str.maketrans("", "", ",\u066c\u060c \u00a0\u202f'")
ARABIC_DECIMAL_SEPARATOR = "\u066b"


def western_digits(text):
    return text.translate(WESTERN_DIGITS)


def plain_number(text):
    """'٧٥٬٠٠٠٬٠٠٠' or '75,000,000.50' as '75000000' or '75000000.50', ready for Decimal."""
    return western_digits(text).replace(ARABIC_DECIMAL_SEPARATOR, ".").translate(GROUPING)


def format_amount(value):
    """75000000.000 as '75,000,000' and 1250.500 as '1,250.5'."""
    if value is None:
        return ""
    normalized = Decimal(value).normalize()
    return f"{normalized:,f}"
