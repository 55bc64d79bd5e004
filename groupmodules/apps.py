from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupmodulesConfig(AppConfig):
    name = "groupmodules"
    verbose_name = _("group modules")
