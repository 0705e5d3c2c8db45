import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff_client(client, settings):
    """Signed in as programme staff, the second-factor rule off (tests/accounts covers it)."""
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    client.force_login(StaffFactory())
    return client
