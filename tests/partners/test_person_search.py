"""A searched people list comes best match first, as the organisations' does: the people whose
names or aliases hold every word of the term as a whole word, then the other matches; on
PostgreSQL the whole-word matches are read from the people's words the database keeps
(partners.PersonWord), which always equal the words of their names and aliases."""
import pytest
from django.db import connection

from partners.models import Person, PersonName
from tests.concurrency import held_open
from tests.partners.test_search_ranking import kept_words, names_listed, postgresql_only, words_of_the_records

pytestmark = pytest.mark.django_db


def test_people_whose_names_hold_the_word_whole_come_first(empty_database, viewer_api):
    for name in ["Zaid Mohammed", "Mohammedan Studies Fellow", "Mohammed Ali", "Ali Hassan"]:
        Person.objects.create(name_en=name)
    alias_holder = Person.objects.create(name_en="Abu Yousef")
    PersonName.objects.create(person=alias_holder, name="Yousef Mohammed", language="en", kind="variant")

    assert names_listed(viewer_api, "/api/people/?search=mohammed") == [
        "Abu Yousef", "Mohammed Ali", "Zaid Mohammed",  # whole words, Abu Yousef through his alias
        "Mohammedan Studies Fellow",  # part of a longer word
    ]
    assert names_listed(viewer_api, "/api/people/?search=mohammed&page_size=1") == [
        "Abu Yousef", "Mohammed Ali", "Zaid Mohammed", "Mohammedan Studies Fellow",
    ]


@postgresql_only
def test_kept_words_follow_every_change_of_a_persons_names_and_aliases(empty_database):
    voronkov = Person.objects.create(name_en="Vladimir Voronkov", name_ar="فلاديمير فورونكوف")
    khan = Person.objects.create(name_en="Jehangir Khan", name_ar="")
    assert kept_words(Person) == words_of_the_records(Person)

    voronkov.name_en = "Vladimir Ivanovich Voronkov"
    voronkov.save()
    alias = PersonName.objects.create(person=voronkov, name="فلاديمير فورنكوف", language="ar", kind="variant")
    PersonName.objects.create(person=khan, name="J. Khan", language="en", kind="variant")
    assert kept_words(Person) == words_of_the_records(Person)

    alias.name = "Wladimir Woronkow"
    alias.save()
    PersonName.objects.filter(pk=alias.pk).update(person=khan)  # moved in bulk
    Person.objects.filter(pk=khan.pk).update(name_ar="جهانغير خان")  # names in bulk
    assert kept_words(Person) == words_of_the_records(Person)

    PersonName.objects.filter(person=khan).delete()
    voronkov.delete()
    assert kept_words(Person) == words_of_the_records(Person)
    assert {row[3] for row in kept_words(Person)} == {khan.pk}


@postgresql_only
def test_rebuilding_restores_the_kept_words_of_people(empty_database):
    Person.objects.create(name_en="Ghada Fathi Waly", name_ar="غادة فتحي والي")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_personword")
        cursor.execute("SELECT partners_rebuild_person_words()")
    assert kept_words(Person) == words_of_the_records(Person)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_persons_aliases_added_at_once_by_two_editors_are_both_kept(empty_database):
    person = Person.objects.create(name_en="Voronkov")
    # The second alias's rewrite of the person's words waits for the first one.
    with held_open(lambda: PersonName.objects.create(person=person, name="Woronkow", language="en", kind="variant")):
        PersonName.objects.create(person=person, name="Voronkoff", language="en", kind="variant")

    assert {row[0] for row in kept_words(Person)} == {"voronkov", "woronkow", "voronkoff"}
    assert kept_words(Person) == words_of_the_records(Person)
    Person.objects.filter(pk=person.pk).delete()
