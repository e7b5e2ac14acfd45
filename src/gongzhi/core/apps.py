from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import checks, signals  # noqa: F401  (registers checks, receivers)

        # Each app's tasks.py registers its periodic jobs with core.scheduling.
        autodiscover_modules("tasks")
