"""The API against its own OpenAPI schema, over HTTP to a live server: schemathesis generates
requests to every operation, both ones the schema allows and ones it forbids (stateless), and
sequences of operations that use what earlier answers returned (stateful), and every check it has
runs on every answer: no server error, every status, content type and body as documented,
schema-violating input refused, and more.

One check is left out, `positive_data_acceptance` (a request the schema allows must not get a
400), because three kinds of refusal are meant and no OpenAPI schema can state them: an opaque
`cursor` that this server did not sign, rules across fields (an agreement cannot expire before it
was signed) and an id that names no record."""
import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import AgreementPartyFactory, FundingCommitmentFactory, MeetingFactory, PaymentFactory

# The live server answers from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

EXCLUDED_CHECKS = [positive_data_acceptance]
STATEFUL_SEED = 20261204
STATEFUL_SEQUENCES = 30
EXAMPLES = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture
def api_token(seeded, admin_user):
    # A little of everything beside the seed data, so that generated ids sometimes hit a real row.
    AgreementPartyFactory.create_batch(2)
    PaymentFactory(commitment=FundingCommitmentFactory())
    MeetingFactory()
    return AuthToken.objects.create(admin_user)[1]


@pytest.fixture
def api_schema(live_server, api_token):
    return schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/?format=json", headers={"Authorization": f"Token {api_token}"}
    )


@pytest.mark.parametrize(
    "mode",
    # Requests the schema allows, and requests it forbids (which must be refused with a 4xx).
    [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    ids=["schema-valid", "schema-violating"],
)
def test_every_operation_answers_generated_requests_as_documented(api_schema, api_token, mode):
    # Driven by hand rather than by schemathesis' pytest plugin, which pytest 9 no longer runs.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @EXAMPLES
        def answers_as_documented(case):
            case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, excluded_checks=EXCLUDED_CHECKS)

        answers_as_documented()


def test_sequences_of_operations_answer_as_documented(api_schema, api_token):
    """Stateful: schemathesis links operations by what their answers return (create an agreement,
    then read, change and delete it) and checks every answer along the way."""
    machine = api_schema.as_state_machine()

    class AuthenticatedMachine(machine):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {api_token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, excluded_checks=EXCLUDED_CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder
            )

    # The same sequences on every run, each from its own seed. They are generated and never
    # replayed or shrunk: each step changes the database, so a replay would not meet the state its
    # first run met, and Hypothesis would take the difference for a flaky strategy.
    for seed in range(STATEFUL_SEED, STATEFUL_SEED + STATEFUL_SEQUENCES):
        AuthenticatedMachine._hypothesis_internal_use_seed = seed
        AuthenticatedMachine.run(
            settings=settings(
                EXAMPLES, max_examples=1, stateful_step_count=6, phases=[Phase.generate], database=None,
                derandomize=False,
            )
        )
