import pytest
from django.db import transaction

from partners.models import Organization
from crm.versioning import RecordChangedError
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_each_save_moves_the_version_on():
    organisation = OrganizationFactory()
    assert organisation.version == 1
    organisation.notes = "first"
    organisation.save()
    assert organisation.version == 2
    assert Organization.objects.get(pk=organisation.pk).version == 2


def test_a_save_from_a_stale_copy_is_refused_and_writes_nothing():
    organisation = OrganizationFactory(notes="original")
    first_editor = Organization.objects.get(pk=organisation.pk)
    second_editor = Organization.objects.get(pk=organisation.pk)

    first_editor.notes = "first editor"
    first_editor.save()
    second_editor.notes = "second editor"
    with pytest.raises(RecordChangedError) as refused, transaction.atomic():
        second_editor.save()

    assert refused.value.current_version == 2
    stored = Organization.objects.get(pk=organisation.pk)
    assert (stored.notes, stored.version) == ("first editor", 2)


def test_saving_a_copy_of_a_deleted_record_does_not_bring_it_back():
    organisation = OrganizationFactory()
    stale_copy = Organization.objects.get(pk=organisation.pk)
    organisation.delete()
    with pytest.raises(RecordChangedError) as refused, transaction.atomic():
        stale_copy.save()
    assert refused.value.current_version is None
    assert not Organization.objects.filter(pk=stale_copy.pk).exists()


def test_restoring_an_earlier_version_from_history_is_a_normal_change():
    organisation = OrganizationFactory(notes="before")
    organisation.notes = "after"
    organisation.save()
    earlier = organisation.history.earliest().instance
    assert earlier.notes == "before"
    earlier.save()
    stored = Organization.objects.get(pk=organisation.pk)
    assert (stored.notes, stored.version) == ("before", 3)
