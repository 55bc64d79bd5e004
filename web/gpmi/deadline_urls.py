"""The diensthoofd's view of the GPMI's legal deadlines, under /termijnen/."""

from django.urls import path

from . import deadline_views as views

app_name = "deadlines"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("laattijdig/", views.overdue, name="overdue"),
    path("deze-maand/", views.this_month, name="this_month"),
    path("evaluaties/", views.evaluations, name="evaluations"),
]
