import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="checks PostgreSQL's database locale")
def test_postgresql_database_is_utf8_with_a_character_type_that_knows_arabic():
    """pg_trgm finds no Arabic trigrams when LC_CTYPE is C, so search would silently find nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database WHERE datname = current_database()"
        )
        encoding, ctype = cursor.fetchone()
    assert encoding == "UTF8"
    assert ctype not in {"C", "POSIX"}, f"LC_CTYPE is {ctype}; create the database from template0 with C.UTF-8"
