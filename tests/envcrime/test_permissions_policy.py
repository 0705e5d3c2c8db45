import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["home", "healthz", "account_login"])
def test_every_response_switches_powerful_features_off(client, url_name):
    policy = client.get(reverse(url_name))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
