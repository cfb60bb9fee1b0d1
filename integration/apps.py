from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project layer on top of the three apps: settings, root URLs, data protection over
    all data, the demo and the generator, and the commands that span apps. No models."""

    name = "integration"
    label = "project"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from integration import checks  # noqa: F401 (registers the deploy checks)
        from integration.middleware import session_seen_at_login

        user_logged_in.connect(session_seen_at_login, dispatch_uid="integration-session-seen")
