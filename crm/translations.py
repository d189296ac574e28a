"""Sentences of Django and its libraries whose Arabic is missing or wrong, listed so that
`makemessages` keeps them in this project's catalogue, which takes precedence over theirs.

- Django's Arabic for a refused delete of a protected record says the user lacks a permission;
  the record is in use, which is what the Arabic now says.
- django-import-export's Arabic leaves the export and import pages half in English.
"""
from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN = [
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected "
        "related objects:"
    ),
    gettext_noop("Deleting the selected %(objects_name)s would require deleting the following protected related objects:"),
]

IMPORT_EXPORT = [
    gettext_noop("Import"),
    gettext_noop("Select all"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Some rows failed to validate"),
    gettext_noop("Please correct these errors in your data where possible, then reupload it using the form above."),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Value could not be parsed."),
    gettext_noop("Resource"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
]
