from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People, their consents and counselling sessions.

    The label stays `integration`, the package's name before the project layer and the
    people domain were separated: tables, migrations, permissions and URL names keep it.
    """

    name = "people"
    label = "integration"
    verbose_name = _("Cases")
