from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Integration agreements")

    def ready(self) -> None:
        from agreements import (  # noqa: F401  (connects the receivers)
            receivers,
            signals,
        )
