import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envcrime.settings")

app = Celery("envcrime")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _drop_broken_or_old_connections(task=None, **kwargs):
    """Around each task in a worker, as around a request: keep a healthy connection for CONN_MAX_AGE
    (CELERY_DB_REUSE_MAX stops Celery's fixup from closing it every time), drop a broken one.

    Not for a task run eagerly in the caller's process: it may be inside the caller's transaction.
    """
    if task is not None and not getattr(task.request, "is_eager", False):
        close_old_connections()


task_prerun.connect(_drop_broken_or_old_connections, weak=False)
task_postrun.connect(_drop_broken_or_old_connections, weak=False)
