from django.contrib import admin

from organisations.admin import UnscopedModelAdmin

from .models import LeefloonDecision, SocioProfessionalExemption


@admin.register(LeefloonDecision)
class LeefloonDecisionAdmin(UnscopedModelAdmin):
    list_display = ["client", "kind", "category", "decided_on", "start_date", "end_date", "end_reason"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]


@admin.register(SocioProfessionalExemption)
class SocioProfessionalExemptionAdmin(UnscopedModelAdmin):
    list_display = ["client", "start_date", "end_date"]
    raw_id_fields = ["client"]
