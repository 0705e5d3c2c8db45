import pytest


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Package documents are written under a per-test folder, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
