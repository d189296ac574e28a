"""Arabic dates and numbers as this app writes them. Django's Arabic locale gives no date-time
format (so history pages read "ديسمبر 4, 2026, 10:31 م", in English order) and groups thousands
with a full stop, which reads as a decimal point beside the Western digits the app shows."""
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
