from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import accounts
from .models import AccountChangeRequest, AccountEvent, Organisation, Region, User


class UnscopedModelAdmin(admin.ModelAdmin):
    """The Django admin of a model read through a ScopedQuerySet: operators see every
    organisation's rows, said out loud (organisations.scoping)."""

    def get_queryset(self, request):
        return super().get_queryset(request).unscoped()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_demo", "created_at"]
    search_fields = ["name", "slug"]
    # Set by seed_demo only: a demo's data (its access log included) may be replaced, a real OCMW's never.
    readonly_fields = ["is_demo"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    filter_horizontal = ["members"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "organisation", "region", "is_active"]
    list_select_related = ["organisation", "region"]
    list_filter = ["role", "organisation", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name"]}),
        (_("Work"), {"fields": ["role", "organisation", "region"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "organisation", "region",
                                                            "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        """An operator needs no approval, but the organisation's account log still shows the change."""
        before = User.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if obj.organisation_id is None:
            return
        if before is None:
            accounts.log_created(obj, by=request.user)
        else:
            accounts.log_changes(before, obj, by=request.user)


@admin.register(AccountChangeRequest)
class AccountChangeRequestAdmin(UnscopedModelAdmin):
    """Operators approve what no diensthoofd of the organisation can (none, or only the person it
    is about), through the same service as the diensthoofd's page."""

    list_display = ["user", "email_then", "role_then", "organisation", "summary", "status", "requested_by",
                    "requested_at", "decided_by"]
    list_filter = ["status", "organisation"]
    list_select_related = ["user", "organisation", "requested_by", "decided_by"]
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the selected requests"))
    def approve(self, request, queryset):
        self._decide(request, queryset, accounts.request_approve)

    @admin.action(description=_("Refuse the selected requests"))
    def refuse(self, request, queryset):
        self._decide(request, queryset, accounts.request_refuse)

    def _decide(self, request, queryset, decision):
        for held in queryset:
            try:
                decision(held, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{held}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                                  messages.ERROR)
            else:
                self.message_user(request, f"{held}: {held.get_status_display()}")


@admin.register(AccountEvent)
class AccountEventAdmin(UnscopedModelAdmin):
    list_display = ["at", "organisation", "actor", "subject", "action", "detail", "notified_at"]
    list_filter = ["action", "organisation"]
    list_select_related = ["organisation", "actor", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
