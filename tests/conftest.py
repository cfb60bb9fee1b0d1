import pytest

from sites.enums import Role
from tests.factories import CentreFactory, MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The demo's behaviour: the suites log in with force_login and no device. The second
    # factor's own tests (tests/integration/test_second_factor.py) switch it on.
    settings.OTP_REQUIRED = False


@pytest.fixture
def centre(db):
    return CentreFactory(code="LU", name="MBE Caritas Ludwigshafen")


@pytest.fixture
def other_centre(db):
    return CentreFactory(code="L", name="MBE Diakonie Leipzig")


@pytest.fixture
def counsellor(centre):
    return MembershipFactory(
        centre=centre, role=Role.COUNSELLOR, user=UserFactory(username="berater")
    ).user


@pytest.fixture
def colleague(centre):
    return MembershipFactory(
        centre=centre, role=Role.COUNSELLOR, user=UserFactory(username="kollegin")
    ).user


@pytest.fixture
def supervisor(centre):
    return MembershipFactory(
        centre=centre, role=Role.SUPERVISOR, user=UserFactory(username="leitung")
    ).user


@pytest.fixture
def outsider(other_centre):
    """A counsellor of another centre: must never see anything of `centre`."""
    return MembershipFactory(
        centre=other_centre, role=Role.COUNSELLOR, user=UserFactory(username="berater-leipzig")
    ).user


@pytest.fixture
def counsellor_client(client, counsellor):
    client.force_login(counsellor)
    return client


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client
