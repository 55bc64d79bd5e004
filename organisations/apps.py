from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"

    def ready(self):
        from django.contrib import messages
        from django.contrib.auth.signals import user_logged_out
        from django.utils.translation import gettext as _

        def confirm_logout(sender, request, user, **kwargs):
            if request is not None:
                messages.info(request, _("You have logged out."))

        user_logged_out.connect(confirm_logout, dispatch_uid="confirm_logout")
