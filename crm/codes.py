"""ISO code lists (ISO 3166 countries, ISO 4217 currencies), as their libraries keep them.

The database checks only a code's shape; membership is checked by a validator that reads the
library's list when it runs. So no list is frozen into a migration, and upgrading
django-countries or pycountry needs none.
"""
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from .constraints import FieldCheckConstraint


@cache
def currency_codes():
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def validate_currency_code(value):
    if value not in currency_codes():
        raise ValidationError(
            _("The currency must be an ISO 4217 code such as USD (field currency)."), code="unknown_currency"
        )


def code_shape_constraint(model_name, field, length, standard, message, allow_blank=False):
    """A check that `field` holds `length` upper-case characters (or nothing, if allowed)."""
    shaped = models.Q(Exact(Length(field), length)) & models.Q(Exact(Upper(field), models.F(field)))
    return FieldCheckConstraint(
        field=field,
        condition=(models.Q(**{field: ""}) | shaped) if allow_blank else shaped,
        name=f"{model_name}_{field}_is_{standard}",
        violation_error_message=message,
    )
