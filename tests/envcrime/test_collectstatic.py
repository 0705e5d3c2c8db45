"""Production serves hashed static files from a manifest (DEBUG off): `collectstatic` must succeed.

The manifest storage follows every `url(...)` and `sourceMappingURL` in CSS and JS and fails on a
reference to a file that is not there, such as a vendored script whose source map was left behind;
the development server would serve such a file without complaint.
"""

import json

from django.core.management import call_command


def test_collectstatic_with_the_production_manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "vendor/chart.js/chart.umd.min.js" in manifest["paths"]
    assert "vendor/world-atlas/countries-110m.json" in manifest["paths"]
