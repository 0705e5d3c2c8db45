import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envcrime.settings")

app = Celery("envcrime")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
