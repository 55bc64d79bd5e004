from django.contrib import admin

from .models import Employer


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "kbo_number", "sector", "municipality", "organisation", "active"]
    list_filter = ["organisation", "kind", "active"]
    search_fields = ["name", "kbo_number"]
    list_select_related = ["organisation"]
