from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeefloonConfig(AppConfig):
    name = "leefloon"
    verbose_name = _("leefloon")
