"""A Python client generated from the API's own OpenAPI schema (openapi-python-client) reads every
list, a record, a partner list and the funding summary, each answer parsed by its generated model.
Requests go through httpx's WSGI transport into the app in this thread, so no server runs and the
test's transaction, seed data included, is what the app reads."""
import datetime
import importlib
import inspect
import json
import pkgutil
import sys
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from knox.models import AuthToken
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from agreements.models import FundingCommitment
from partners.models import Organization
from tests.factories import FocalAreaFactory, PaymentFactory

pytestmark = pytest.mark.django_db

RESOURCE_LISTS = {
    "/api/organizations/",
    "/api/people/",
    "/api/agreements/",
    "/api/funding-commitments/",
    "/api/payments/",
    "/api/meetings/",
    "/api/focal-areas/",
    "/api/sources/",
}
UNCCT, ETIDAL, IMCTC = 3, 5, 27
ERROR_MODELS = {"ErrorDetail", "ValidationErrors", "DeleteConflict", "VersionConflict"}
DOCUMENTS = {"/api/iati/activities.xml"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once for this module from the schema the API serves, with its
    generator's errors and warnings. Needs no database: the schema is built as /api/schema/ builds it
    (one test checks the two are the same), and the package is imported under a name of its own."""
    folder = tmp_path_factory.mktemp("generated_client")
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        schema_file = folder / "schema.json"
        schema_file.write_bytes(OpenApiJsonRenderer().render(schema, renderer_context={}))
    package_name = f"crm_api_client_{uuid.uuid4().hex[:12]}"
    # No post hooks: the generated code is imported as written, without running ruff over it.
    # The generator reads JSON and bytes; a client takes the IATI export (application/xml) as bytes,
    # the override the generator documents for other content types.
    config_file = ConfigFile(
        post_hooks=[],
        package_name_override=package_name,
        content_type_overrides={"application/xml": "application/octet-stream"},
    )
    config = Config.from_sources(
        config_file, MetaType.NONE, schema_file, "utf-8", overwrite=True, output_path=folder / package_name
    )
    errors = generate(config=config)

    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(package_name) if (folder / package_name).is_dir() else None
        yield SimpleNamespace(
            package=package, errors=errors, schema=json.loads(schema_file.read_text(encoding="utf-8"))
        )
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == package_name or name.startswith(f"{package_name}.")]:
            del sys.modules[name]


@pytest.fixture
def api(generated, viewer, wsgi_application):
    """The generated client, signed in as the viewer with a knox token made in this test."""
    if generated.package is None:
        pytest.fail(f"The client was not generated: {describe(generated.errors)}")
    _, token = AuthToken.objects.create(user=viewer)
    client = generated.package.AuthenticatedClient(
        base_url="http://testserver",
        token=token,
        prefix="Token",
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=wsgi_application)},
    )
    with client:
        yield client


def describe(errors):
    return "\n".join(f"{error.level.value}: {error.header} {error.detail or ''} {error.data or ''}" for error in errors)


def operation(generated, tag, operation_id):
    return importlib.import_module(f"{generated.package.__name__}.api.{tag}.{operation_id}")


def parsed(module, *args, **kwargs):
    """The answer to one generated operation, parsed by the generated model its schema names."""
    try:
        response = module.sync_detailed(*args, **kwargs)
    except (KeyError, TypeError, ValueError) as error:
        call = f"{module.__name__.rpartition('.')[2]}({', '.join(map(repr, args))})"
        pytest.fail(f"{call}: the generated models cannot parse the answer, which the schema does not describe: {error!r}")
    assert response.status_code == 200, response.content
    # The answer's generated model: one of the package's, and not one of the error shapes the
    # schema documents beside it (crm/api/schema.py).
    model = type(response.parsed)
    assert model.__module__.startswith(f"{module.__name__.split('.')[0]}.models."), (module.__name__, response.parsed)
    assert model.__name__ not in ERROR_MODELS, (module.__name__, response.parsed)
    return response.parsed


def list_operations(generated):
    """Every generated GET operation that needs no path parameter or body, by its path."""
    operations = {}
    api_package = importlib.import_module(f"{generated.package.__name__}.api")
    for info in pkgutil.walk_packages(api_package.__path__, f"{api_package.__name__}."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        parameters = inspect.signature(module.sync_detailed).parameters.values()
        if all(parameter.default is not inspect.Parameter.empty or parameter.name == "client" for parameter in parameters):
            request = module._get_kwargs()
            if request["method"] == "get":
                operations[request["url"]] = module
    return operations


def test_the_client_generator_reports_no_error_or_warning_for_the_schema(generated):
    assert generated.package is not None
    assert not generated.errors, describe(generated.errors)


def test_the_client_is_generated_from_the_schema_the_api_serves(generated, api):
    answer = api.get_httpx_client().get("/api/schema/", params={"format": "json"})

    assert answer.status_code == 200, answer.content
    assert answer.json() == generated.schema


def test_a_client_generated_from_the_schema_reads_every_list_detail_partner_list_and_summary(
    generated, seeded, api
):
    # The seed data records no payment: one against its commitment gives that list a row to parse.
    commitment = FundingCommitment.objects.get(currency="USD")
    PaymentFactory(commitment=commitment, received_on=datetime.date(2019, 6, 30))
    # Nor any deletion, which the deletions list (/api/changes/) is made of.
    FocalAreaFactory().delete()
    # The IATI export is a document, not a page of records.
    lists = {path: module for path, module in list_operations(generated).items() if path not in DOCUMENTS}
    schema_lists = {
        path for path, item in generated.schema["paths"].items() if "get" in item and "{" not in path
    } - DOCUMENTS
    assert set(lists) == schema_lists
    assert RESOURCE_LISTS | {"/api/funding-commitments/summary/"} <= set(lists)
    for path, module in lists.items():
        page = parsed(module, client=api)
        assert type(page).__name__.startswith("Paginated"), path
        assert page.results, path

    # The seed data of the test's transaction is what the app answers with.
    organizations_retrieve = operation(generated, "organizations", "organizations_retrieve")
    uncct = parsed(organizations_retrieve, UNCCT, client=api)
    assert (uncct.id, uncct.name_en) == (UNCCT, Organization.objects.get(pk=UNCCT).name_en)
    assert uncct.agreements and all(party.agreement.id for party in uncct.agreements)
    # UNCCT neither gives nor receives in the seed data; its parent UNOCT receives from Qatar.
    donor = parsed(organizations_retrieve, commitment.donor_id, client=api)
    recipient = parsed(organizations_retrieve, commitment.recipient_id, client=api)
    assert (commitment.pk, commitment.recipient_id) in {(row.id, row.recipient.id) for row in donor.commitments_given}
    assert (commitment.pk, commitment.donor_id) in {(row.id, row.donor.id) for row in recipient.commitments_received}

    summary = parsed(operation(generated, "funding_commitments", "funding_commitments_summary_list"), client=api)
    assert "USD" in {row.currency for row in summary.results}

    partners = parsed(operation(generated, "organizations", "organizations_partners_list"), UNCCT, client=api)
    assert {ETIDAL, IMCTC} <= {partner.organization.id for partner in partners.results}
    # `next` is a Python builtin, so the generated model names that field `next_`.
    assert hasattr(partners, "next_") and hasattr(partners, "previous")
    assert {"next", "previous", "results"} <= set(partners.to_dict())


def test_a_generated_client_follows_next_links_through_a_list_one_row_at_a_time(generated, seeded, api):
    focal_areas_list = operation(generated, "focal_areas", "focal_areas_list")
    made_in_this_test = FocalAreaFactory()
    whole_list = [row.id for row in parsed(focal_areas_list, client=api, page_size=500).results]
    assert made_in_this_test.pk in whole_list and len(whole_list) >= 3

    page = parsed(focal_areas_list, client=api, page_size=1)
    seen = [row.id for row in page.results]
    while page.next_:
        link = urlsplit(page.next_)
        assert (link.scheme, link.netloc, link.path) == ("http", "testserver", "/api/focal-areas/")
        query = parse_qs(link.query)
        page = parsed(focal_areas_list, client=api, cursor=query["cursor"][0], page_size=int(query["page_size"][0]))
        assert len(page.results) == 1 and page.previous is not None
        seen += [row.id for row in page.results]

    assert seen == whole_list
