from django.apps import AppConfig


class GpmiConfig(AppConfig):
    name = "gpmi"
    verbose_name = "GPMI"
