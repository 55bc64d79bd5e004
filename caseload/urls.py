from django.urls import path

from . import views

app_name = "caseload"
urlpatterns = [
    path("export.<str:extension>", views.caseload_export, name="export"),
]
