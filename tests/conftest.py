import pytest

from partners.services import seed_data_load


@pytest.fixture
def seeded(db):
    """The database with the seed data loaded, as `make run` leaves it."""
    return seed_data_load()
