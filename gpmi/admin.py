from django.contrib import admin

from .models import Exemption, Gpmi, GpmiEvaluation, Sanction


class UnscopedAdmin(admin.ModelAdmin):
    """Operators see every organisation's rows in the Django admin (organisations.scoping)."""

    raw_id_fields = ["client"]

    def get_queryset(self, request):
        return super().get_queryset(request).unscoped()


@admin.register(Gpmi)
class GpmiAdmin(UnscopedAdmin):
    list_display = ["client", "orientation", "signed_on", "end_date", "origin"]
    raw_id_fields = ["client", "decision"]


@admin.register(GpmiEvaluation)
class GpmiEvaluationAdmin(UnscopedAdmin):
    list_display = ["gpmi", "date", "in_person"]
    raw_id_fields = ["gpmi"]


@admin.register(Exemption)
class ExemptionAdmin(UnscopedAdmin):
    list_display = ["client", "ground", "accepted_on", "ended_on"]


@admin.register(Sanction)
class SanctionAdmin(UnscopedAdmin):
    list_display = ["client", "decided_on", "suspended_from", "suspended_until"]
