from django.contrib import admin

from .models import LeefloonDecision, SocioProfessionalExemption


@admin.register(LeefloonDecision)
class LeefloonDecisionAdmin(admin.ModelAdmin):
    list_display = ["client", "kind", "category", "decided_on", "start_date", "end_date", "end_reason"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]

    def get_queryset(self, request):
        return super().get_queryset(request).unscoped()


@admin.register(SocioProfessionalExemption)
class SocioProfessionalExemptionAdmin(admin.ModelAdmin):
    list_display = ["client", "start_date", "end_date"]
    raw_id_fields = ["client"]

    def get_queryset(self, request):
        return super().get_queryset(request).unscoped()
