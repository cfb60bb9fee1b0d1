from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = _("Cases")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from integration.middleware import session_seen_at_login

        user_logged_in.connect(session_seen_at_login, dispatch_uid="integration-session-seen")
