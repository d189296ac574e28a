"""Driving the admin's Export and Import pages as staff do, and reading what comes back."""
import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile


def _format_choice(form, file_format):
    return next(value for value, title in form.fields["format"].choices if title == file_format)


def admin_export(client, model_path, query="", file_format="csv"):
    """Open the Export page of a list (`query` holds its filters and search), keep every column
    ticked, and submit."""
    url = f"/admin/{model_path}/export/{query}"
    form = client.get(url).context["form"]
    columns = {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    return client.post(url, {"resource": "0", "format": _format_choice(form, file_format), **columns})


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(headers, row)) for row in rows]


def csv_file(rows, name="import.csv"):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, stream.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(content, name="import.xlsx"):
    return SimpleUploadedFile(name, content)


def admin_import_preview(client, model_path, upload, file_format="csv"):
    """Upload a sheet on the Import page; the response shows the preview or the row errors."""
    url = f"/admin/{model_path}/import/"
    form = client.get(url).context["form"]
    return client.post(url, {"resource": "0", "format": _format_choice(form, file_format), "import_file": upload})


def admin_import_confirm(client, model_path, preview):
    """Press "Confirm import" on a preview."""
    return client.post(f"/admin/{model_path}/process_import/", preview.context["confirm_form"].initial)


def api_csv_and_json_cells(api, url):
    """A list's CSV export, and the cells its JSON list says the export should hold (as
    csv_cell writes them): each a list of rows of cells, in the export's column order."""
    from crm.api.exports import csv_cell

    separator = "&" if "?" in url else "?"
    listed = api.get(f"{url}{separator}page_size=500").json()["results"]
    text = b"".join(api.get(f"{url}{separator}format=csv").streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    exported = [[row[column] for column in header] for row in csv.DictReader(io.StringIO(text))]
    return exported, [[str(csv_cell(record, column)) for column in header] for record in listed]
