from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingSitesConfig(AppConfig):
    name = "sites"
    # Django's own contrib.sites owns the label "sites"; a clash would break start-up.
    label = "counselling_sites"
    verbose_name = _("Counselling sites")
