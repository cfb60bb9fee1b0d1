from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Integration agreements")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from agreements import (  # noqa: F401  (connects the receivers)
            receivers,
            signals,
        )
        from agreements.guard import lay_sqlite_triggers, lift_sqlite_triggers

        pre_migrate.connect(lift_sqlite_triggers, sender=self)
        post_migrate.connect(lay_sqlite_triggers, sender=self)
