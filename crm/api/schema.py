"""The OpenAPI schema's error answers, documented per operation as the API gives them.

drf-spectacular describes the successful answer of each operation; the errors come from the
exception handler (crm/api/errors.py), the permissions, the throttles and the concurrency checks,
which apply to every operation of a kind. This post-processing hook adds them where they can
occur, so a client (and schemathesis' status-code check) knows every status it may get.
"""

ERROR_SCHEMAS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": "The fields (or query parameters) refused, each with its reasons; "
        "`non_field_errors` for a rule across fields. Nested lists give one entry per item.",
        "additionalProperties": {},
    },
    "DeleteConflict": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "blockers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"type": {"type": "string"}, "id": {"type": "integer"}, "name": {"type": "string"}},
                },
            },
        },
        "required": ["detail"],
    },
    "VersionConflict": {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "current_version": {"type": "integer", "nullable": True}},
        "required": ["detail"],
    },
}

DESCRIPTIONS = {
    "400": "Refused input: the fields or parameters and the reasons. Nothing was written.",
    "401": "No login or API token, or a token that expired or was revoked.",
    "403": "Logged in, but without the role this needs.",
    "404": "No such record.",
    "409": "Refused: other records refer to this one (deleting), or it changed meanwhile.",
    "406": "No such format: ask for format=json or format=csv (or Accept the same).",
    "412": "The record changed since the ETag sent in If-Match: read it again, then retry.",
    "429": "Too many requests, or too many failed logins from this address: wait, then retry.",
}


def _answer(code, schema):
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the error answers of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = {"400": "ValidationErrors", "406": "ErrorDetail", "429": "ErrorDetail"}
            if operation.get("security"):  # all but the token endpoint, which needs no login
                errors.update({"401": "ErrorDetail", "403": "ErrorDetail"})
            if "{id}" in path:
                errors["404"] = "ErrorDetail"
                if method in {"put", "patch", "delete"}:
                    errors["409"] = "DeleteConflict" if method == "delete" else "VersionConflict"
                    errors["412"] = "VersionConflict"
            for code, schema in errors.items():
                responses.setdefault(code, _answer(code, schema))
    return result


# Query parameters that refuse an empty value: a format, a page size and a grouping must be named.
EMPTY_REFUSED = {"format", "page_size", "group_by"}


def document_empty_values(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: a filter sent empty (`?signed_before=`, as an HTML form sends
    it) filters nothing, so the schema says it may be empty; each value of a list of choices
    (`?status=signed&status=in_force`) must be one of them, and EMPTY_REFUSED must be given."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                items = schema.get("items", {}) if schema.get("type") == "array" else {}
                refused = parameter["name"] in EMPTY_REFUSED or "enum" in items or "$ref" in items
                if parameter.get("in") == "query" and not refused:
                    parameter["allowEmptyValue"] = True
    return result
