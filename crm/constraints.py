"""Database constraints whose violation is reported on the field it is about.

Django reports a violated CheckConstraint (and a UniqueConstraint over several fields) as an
error of the whole record; naming a `field` puts it beside that field in the admin form and
under that key in the API's 400 answer.
"""
from django.core.exceptions import ValidationError
from django.db import models


class ReportedOnFieldMixin:
    def __init__(self, *args, field=None, **kwargs):
        self.field = field
        super().__init__(*args, **kwargs)

    def validate(self, *args, **kwargs):
        try:
            super().validate(*args, **kwargs)
        except ValidationError as error:
            if self.field is None or hasattr(error, "error_dict"):
                raise
            raise ValidationError({self.field: error.error_list}) from error

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        if self.field is not None:
            kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field


class FieldCheckConstraint(ReportedOnFieldMixin, models.CheckConstraint):
    pass


class FieldUniqueConstraint(ReportedOnFieldMixin, models.UniqueConstraint):
    pass


def ends_after_start_constraint(model_name, start_field, end_field, message, name=None):
    """A check that `end_field` is not before `start_field` when both are known."""
    return FieldCheckConstraint(
        field=end_field,
        condition=models.Q(**{f"{start_field}__isnull": True})
        | models.Q(**{f"{end_field}__isnull": True})
        | models.Q(**{f"{end_field}__gte": models.F(start_field)}),
        name=name or f"{model_name}_ends_after_it_starts",
        violation_error_message=message,
    )


def not_its_own_parent_constraint(model_name, message, parent_field="parent", name=None):
    """A check that a row is not its own parent; crm.trees.clean_ancestry catches longer cycles."""
    return FieldCheckConstraint(
        field=parent_field,
        condition=~models.Q(**{parent_field: models.F("pk")}),
        name=name or f"{model_name}_not_its_own_parent",
        violation_error_message=message,
    )
