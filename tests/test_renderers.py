"""The API's JSON is written by orjson (crm/api/renderers.py); its bytes must be the ones DRF's
own JSONRenderer writes for the same data, so no client sees the change."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from crm.api.renderers import FastJSONRenderer

pytestmark = pytest.mark.django_db

ANSWERS = [
    "/api/organizations/",
    "/api/organizations/2/",
    "/api/organizations/3/partners/?include_units=true",
    "/api/agreements/",
    "/api/funding-commitments/",
    "/api/funding-commitments/summary/?group_by=year",
    "/api/meetings/",
    "/api/people/?search=فورونكوف",
    "/api/changes/?after=2000-01-01T00:00:00Z",
    "/api/organizations/?country=XX",  # a 400 with its lazy message
]


@pytest.mark.parametrize("url", ANSWERS)
def test_the_api_answers_the_bytes_drf_would_write(seeded, viewer_api, url):
    response = viewer_api.get(url)
    assert response.content == JSONRenderer().render(response.data), url
    assert response["Content-Type"] == "application/json"


def test_values_orjson_leaves_to_drf_are_written_as_drf_writes_them():
    data = {
        "when": datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=timezone.utc),
        "amount": Decimal("75000000.000"),
        "label": gettext_lazy("agreement"),
        "line": "before\u2028after\u2029",
        "arabic": "مكتب الأمم المتحدة لمكافحة الإرهاب",
        7: "a number as a key",
    }
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
