"""What a browser submits from an admin add or change page, so tests change only what they mean to."""
from datetime import date


def submitted_form_data(page):
    """The main form and every inline, with their management forms, as the page shows them."""
    forms = [page.context["adminform"].form]
    data = {}
    # A history (revert) page has no inlines.
    inlines = page.context["inline_admin_formsets"] if "inline_admin_formsets" in page.context else []
    for inline in inlines:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{name}": value for name, value in formset.management_form.initial.items()}
        )
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, date):
                data[field.html_name] = value.isoformat()
            else:
                data[field.html_name] = value
    return data
