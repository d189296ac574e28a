"""Dates known to a day, a month or a year, as the sources give them.

A month-precision date is stored as the first day of its month and a year-precision date as
1 January; a database check per date keeps it that way.
"""
from django.db import models
from django.utils import formats
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .constraints import FieldCheckConstraint


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def date_precision_constraint(model_name, date_field, precision_field):
    """A check that keeps a month or year date on the first day of its period."""
    return FieldCheckConstraint(
        field=date_field,
        condition=(
            models.Q(**{f"{date_field}__isnull": True})
            | models.Q(**{precision_field: DatePrecision.DAY})
            | models.Q(**{precision_field: DatePrecision.MONTH, f"{date_field}__day": 1})
            | models.Q(
                **{precision_field: DatePrecision.YEAR, f"{date_field}__day": 1, f"{date_field}__month": 1}
            )
        ),
        name=f"{model_name}_{date_field}_matches_precision",
        violation_error_message=format_lazy(
            "{message} ({date_field}, {precision_field})",
            message=_(
                "A date known only to the month must be the first of that month, and one known "
                "only to the year must be 1 January."
            ),
            date_field=date_field,
            precision_field=precision_field,
        ),
    )


def format_precise_date(value, precision):
    """Show a date no more precisely than it is known: "February 2025", not "1 February 2025"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "F Y")
    return formats.date_format(value, "DATE_FORMAT")


def precise_date_pairs(model):
    """(date field, precision field) of each date of `model` stored with its precision:
    `signed_on` with `signed_precision`."""
    names = {field.name for field in model._meta.fields}
    return [
        (field.name, f"{field.name.removesuffix('_on')}_precision")
        for field in model._meta.fields
        if field.name.endswith("_on") and f"{field.name.removesuffix('_on')}_precision" in names
    ]
