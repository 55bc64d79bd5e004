from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"

    def ready(self):
        from django.contrib import messages
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.utils.translation import gettext as _

        from . import second_factor

        def confirm_logout(sender, request, user, **kwargs):
            if request is not None:
                messages.info(request, _("You have logged out."))

        user_logged_out.connect(confirm_logout, dispatch_uid="confirm_logout")
        user_logged_in.connect(second_factor.on_login, dispatch_uid="second_factor_on_login")
