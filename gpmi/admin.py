from django.contrib import admin

from organisations.admin import UnscopedModelAdmin

from .models import Exemption, Gpmi, GpmiEvaluation, Sanction


class UnscopedAdmin(UnscopedModelAdmin):
    raw_id_fields = ["client"]


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
