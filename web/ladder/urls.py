"""The participation ladder of a case file (under /clienten/<pk>/participatieladder/)."""

from django.urls import path

from . import views

app_name = "ladder"

urlpatterns = [
    path("nieuw/", views.measurement_add, name="add"),
]
