from django.contrib import admin

from .models import Agreement, ContactPerson, Employer, Workplace


class ContactInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "kbo_number", "sector", "municipality", "organisation", "active"]
    list_filter = ["organisation", "kind", "active"]
    search_fields = ["name", "kbo_number"]
    list_select_related = ["organisation"]
    inlines = [ContactInline, AgreementInline]


@admin.register(Workplace)
class WorkplaceAdmin(admin.ModelAdmin):
    list_display = ["function", "employer", "hours_per_week", "capacity", "is_open"]
    list_filter = ["is_open"]
    list_select_related = ["employer"]
