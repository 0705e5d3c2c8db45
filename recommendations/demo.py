"""Demo data for `manage.py seed_demo` (idempotent). Filled in by this app's issue."""


def seed(*, stdout, style) -> None:
    pass
