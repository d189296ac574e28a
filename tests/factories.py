"""factory_boy factories, one per model that tests build by hand."""
from decimal import Decimal

import factory

from agreements.models import Agreement, AgreementParty, FundingCommitment, Payment
from meetings.models import Meeting, MeetingSession, Participant
from partners.models import FocalArea, Organization, Person, PersonName, Position, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"بيان صحفي {n}")
    language = "ar"
    text = ""


class FocalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalArea

    code = factory.Sequence(lambda n: f"area-{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    name_ar = factory.Sequence(lambda n: f"مجال {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ar = factory.Sequence(lambda n: f"منظمة {n}")
    kind = Organization.Kind.CIVIL_SOCIETY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name_en = factory.Sequence(lambda n: f"Person {n}")
    name_ar = factory.Sequence(lambda n: f"شخص {n}")


class PersonNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonName

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"اسم {n}")
    language = "ar"
    kind = "variant"


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title_en = "Director"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    kind = Agreement.Kind.MOU
    status = Agreement.Status.SIGNED
    title_en = factory.Sequence(lambda n: f"Memorandum {n}")


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organization = factory.SubFactory(OrganizationFactory)


class FundingCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingCommitment

    donor = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(OrganizationFactory)
    amount = Decimal("1000000")
    currency = "USD"
    status = FundingCommitment.Status.COMMITTED


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    commitment = factory.SubFactory(FundingCommitmentFactory)
    received_on = factory.Faker("date_between", start_date="-2y", end_date="today")
    amount = Decimal("100000")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.STRATEGIC_DIALOGUE
    status = Meeting.Status.HELD
    title_en = factory.Sequence(lambda n: f"Dialogue {n}")


class MeetingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSession

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title_en = "Opening session"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    role = Participant.Role.DELEGATE
