from django.contrib import admin

from .models import Competence, Interest


@admin.register(Competence, Interest)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    list_filter = ["organisation", "active"]
    list_select_related = ["organisation"]
