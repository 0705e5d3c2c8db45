from django.apps import AppConfig


class EnvcrimeConfig(AppConfig):
    name = "envcrime"
    verbose_name = "EnvCrime"

    def ready(self):
        from . import checks  # noqa: F401  (registers the SITE_URL check)
