"""The admin's form fields as staff type into them: each text box in the direction of its
language, Arabic-Indic digits in dates and amounts, dates as far as they are known ("2018",
"2018-09" or a full date), currencies from the ISO 4217 list, amounts grouped by thousands; and
errors that name fields as the form labels them."""
import gettext
import re
from datetime import date
from functools import cache

import pycountry
from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .dates import DatePrecision, precise_date_pairs
from .numerals import format_amount, plain_number, western_digits


def text_direction(db_field):
    """The writing direction (and language) of a text field, from its name: `*_ar` right to left,
    `*_en` left to right, codes and addresses left to right, free text by its first letter."""
    if db_field.name.endswith("_ar"):
        return {"dir": "rtl", "lang": "ar"}
    if db_field.name.endswith("_en"):
        return {"dir": "ltr", "lang": "en"}
    if isinstance(db_field, (models.URLField, models.EmailField, models.SlugField)):
        return {"dir": "ltr"}
    return {"dir": "auto"}


class AmountInput(forms.TextInput):
    """A text box: a number box refuses Arabic-Indic digits and separators."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "dir": "ltr", "class": "vAmountField", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (int, float)) or hasattr(value, "normalize"):
            return format_amount(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    widget = AmountInput

    def to_python(self, value):
        return super().to_python(plain_number(value) if isinstance(value, str) else value)


class DigitsDateField(forms.DateField):
    """A date typed with Western or Arabic-Indic digits (٢٠٢٢-٠٣-١٥)."""

    def to_python(self, value):
        return super().to_python(western_digits(value).strip() if isinstance(value, str) else value)


class PreciseDate(date):
    """A date that knows how precisely it was given."""

    precision = DatePrecision.DAY

    @classmethod
    def known_to(cls, precision, year, month=1, day=1):
        value = cls(year, month, day)
        value.precision = precision
        return value


class PreciseDateWidget(AdminDateWidget):
    def __init__(self, attrs=None, format=None):
        hint = {
            "placeholder": _("YYYY[-MM[-DD]]"),
            "title": _("A year (2018), a month (2018-09) or a full date (2018-09-25)."),
        }
        super().__init__({**hint, "dir": "ltr", "size": 12, **(attrs or {})}, format)


class PreciseDateField(DigitsDateField):
    """What is known of a date: a year ("2018"), a month ("2018-09" or "09/2018") or a day."""

    widget = PreciseDateWidget
    default_error_messages = {
        "invalid": _("Enter a year (2018), a month (2018-09) or a full date (2018-09-25)."),
    }
    YEAR = re.compile(r"^(\d{4})$")
    MONTH = re.compile(
        r"^(?:(?P<year>\d{4})[-/.](?P<month>\d{1,2})|(?P<month_first>\d{1,2})[-/.](?P<year_last>\d{4}))$"
    )

    def to_python(self, value):
        if isinstance(value, str):
            text = western_digits(value).strip()
            if match := self.YEAR.match(text):
                return PreciseDate.known_to(DatePrecision.YEAR, int(match[1]))
            if match := self.MONTH.match(text):
                year, month = int(match["year"] or match["year_last"]), int(match["month"] or match["month_first"])
                if not 1 <= month <= 12:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
                return PreciseDate.known_to(DatePrecision.MONTH, year, month)
        day = super().to_python(value)
        return None if day is None else PreciseDate.known_to(DatePrecision.DAY, day.year, day.month, day.day)


def precise_date_text(value, precision):
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


@cache
def currency_choices(language):
    """ISO 4217 codes with their names in `language` (pycountry's translations)."""
    names = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    return sorted((currency.alpha_3, names.gettext(currency.name)) for currency in pycountry.currencies)


class CurrencyInput(forms.TextInput):
    """A code box that offers the ISO 4217 list as the user types (an HTML datalist)."""

    template_name = "crm/widgets/currency_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"list": "iso-4217-currencies", "dir": "ltr", "size": 6, "autocomplete": "off", **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        language = (translation.get_language() or "en").split("-")[0]
        return {**super().get_context(name, value, attrs), "currencies": currency_choices(language)}


class CurrencyCodeField(forms.CharField):
    """An ISO 4217 code, typed in any case ("eur") and kept upper-case."""

    widget = CurrencyInput

    def to_python(self, value):
        return super().to_python(value).upper()


FIELD_NAMES_IN_PARENTHESES = re.compile(r"\(([^()]*)\)")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\b")


class AdminModelForm(forms.ModelForm):
    """Dates entered as far as they are known, their precision taken from what was typed; error
    messages that name a field by its internal name ("(fields title_en, title_ar)", as the API
    shows them) name it by its label here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for date_field, precision_field in precise_date_pairs(self._meta.model):
            if date_field in self.fields and date_field not in self.data:
                value = getattr(self.instance, date_field)
                self.initial[date_field] = precise_date_text(value, getattr(self.instance, precision_field))

    def clean(self):
        cleaned_data = super().clean()
        for date_field, precision_field in precise_date_pairs(self._meta.model):
            value = cleaned_data.get(date_field)
            if date_field not in self.fields or not isinstance(value, PreciseDate):
                continue
            cleaned_data[date_field] = date(value.year, value.month, value.day)
            cleaned_data[precision_field] = value.precision
            setattr(self.instance, precision_field, value.precision)
        return cleaned_data

    def full_clean(self):
        super().full_clean()
        if self._errors:
            labels = {field.name: capfirst(field.verbose_name) for field in self._meta.model._meta.fields}
            labels.update({name: field.label for name, field in self.fields.items() if field.label})
            for name, errors in self._errors.items():
                self._errors[name] = self.error_class(
                    [self.labelled(message, labels) for message in errors],
                    error_class=errors.error_class,
                    renderer=self.renderer,
                )

    @staticmethod
    def labelled(message, labels):
        """`message` with the field names in its parentheses replaced by their `labels`."""
        opening, closing = ("«", "»") if translation.get_language_bidi() else ("“", "”")

        def label_names(match):
            inside = match[1]
            if not any(name in labels for name in IDENTIFIER.findall(inside)):
                return match[0]
            named = IDENTIFIER.sub(
                lambda name: f"{opening}{labels[name[0]]}{closing}" if name[0] in labels else name[0], inside
            )
            return f"({named})"

        return FIELD_NAMES_IN_PARENTHESES.sub(label_names, str(message))


class AdminFieldsMixin:
    """For model admins and inlines: the form and fields above, precision fields left to the
    dates they qualify."""

    form = AdminModelForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs.setdefault("form_class", AmountField)
            kwargs.setdefault("widget", AmountInput)
        elif isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
            precise = db_field.name in dict(precise_date_pairs(db_field.model))
            kwargs["form_class"] = PreciseDateField if precise else DigitsDateField
            kwargs["widget"] = PreciseDateWidget if precise else AdminDateWidget
            return db_field.formfield(**kwargs)
        elif db_field.name == "currency":
            kwargs.setdefault("form_class", CurrencyCodeField)
            kwargs.setdefault("widget", CurrencyInput)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        is_text = isinstance(db_field, (models.CharField, models.TextField)) and not db_field.choices
        if formfield is not None and is_text and isinstance(formfield.widget, (forms.TextInput, forms.Textarea)):
            formfield.widget.attrs = {**formfield.widget.attrs, **text_direction(db_field)}
        return formfield

    def get_fieldsets(self, request, obj=None):
        hidden = {precision for _date, precision in precise_date_pairs(self.model)}
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**options, "fields": self._without(options["fields"], hidden)}) for name, options in fieldsets
        ]

    @staticmethod
    def _without(fields, hidden):
        kept = []
        for field in fields:
            if isinstance(field, (list, tuple)):
                line = tuple(name for name in field if name not in hidden)
                if line:
                    kept.append(line)
            elif field not in hidden:
                kept.append(field)
        return kept
