import pytest
from django.test import RequestFactory

from sites.http import LARGEST_ID, client_address, object_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),
        ("0", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("١٢", None),
        ("１", None),
        ("1\x00", None),
        ("\u200f1", None),
        ("9" * 5000, None),
        ("1e3", None),
    ],
)
def test_only_a_plain_number_in_the_columns_range_names_an_object(value, expected):
    assert object_id(value) == expected


@pytest.mark.parametrize("forwarded", ["", "nonsense", "1.2.3.4, <script>", "1.2.3.4, ::ffff:zz"])
def test_a_forwarded_entry_that_is_no_address_counts_as_the_proxy(settings, forwarded):
    settings.BEHIND_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == "10.0.0.1"


def test_an_ipv6_client_behind_the_proxy_is_read_in_its_normal_form(settings):
    settings.BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 2001:DB8::0:1"
    )
    assert client_address(request) == "2001:db8::1"
