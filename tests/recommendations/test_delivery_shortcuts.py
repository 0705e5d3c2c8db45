"""The worker's shortcuts when it prepares a message give what the general code gives."""

import pytest
from django.core.mail.message import forbid_multi_line_headers, sanitize_address
from django.urls import get_script_prefix, set_script_prefix

from recommendations.services.delivery import _SIMPLE_ADDRESS, _link_url
from recommendations.services.links import delivery_link_url


@pytest.mark.parametrize(
    "address",
    [
        "liaison-ke@example.org",
        "A.B+tag@Example.ORG",
        "o'brien@police.ie",
        "x@xn--bcher-kva.example",
        "a=b?c^d{e}|f~g@sub-domain.example.int",
    ],
)
def test_a_simple_address_is_what_django_would_make_of_it(address):
    assert _SIMPLE_ADDRESS.fullmatch(address)
    assert sanitize_address(address, "utf-8") == address
    assert forbid_multi_line_headers("To", address, "utf-8")[1] == address


@pytest.mark.parametrize(
    "address",
    [
        "Liaison <liaison@example.org>",
        '"quoted local"@example.org',
        "zoé@example.fr",
        "liaison@exämple.fr",
        "a..b@example.org",
        "liaison@example..org",
        "liaison@" + "x" * 64 + ".org",
        "liaison@[127.0.0.1]",
    ],
)
def test_any_other_address_goes_through_djangos_sanitizing(address):
    assert not _SIMPLE_ADDRESS.fullmatch(address)


@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_the_link_reversed_once_is_the_link_reversed_each_time(prefix):
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        for delivery_id in (1, 42, 10**9):
            assert _link_url(delivery_id) == delivery_link_url(delivery_id)
    finally:
        set_script_prefix(before)
