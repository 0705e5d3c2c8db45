import importlib

import pytest
from django.apps import apps


@pytest.fixture
def migration_data(transactional_db):
    """The member countries and role groups that a data migration loads, present for a transactional test.

    serialized_rollback should restore them after the flush that ends each transactional test,
    but a live-server test run after the non-transactional ones found the table empty; loading
    them again is idempotent (ignore_conflicts / get_or_create).
    """
    migration = importlib.import_module("programmes.migrations.0002_load_member_countries_and_roles")
    migration.load_member_countries(apps, None)
    migration.create_role_groups(apps, None)
