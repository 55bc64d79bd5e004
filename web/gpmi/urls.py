"""The legal spine of a case file: leefloon decisions, the GPMI and VDAB (under /clienten/<pk>/gpmi/)."""

from django.urls import path

from . import portable_views, views

app_name = "gpmi"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("leefloon/nieuw/", views.decision_add, name="decision_add"),
    path("leefloon/<int:pk>/", views.decision_edit, name="decision_edit"),
    path("vrijstelling-sociaalprofessioneel/nieuw/", views.socio_professional_add, name="socio_professional_add"),
    path("nieuw/", views.gpmi_create, name="create"),
    path("<int:pk>/", views.gpmi_detail, name="detail"),
    path("<int:pk>/bewerken/", views.gpmi_edit, name="edit"),
    path("<int:pk>/ondertekenen/", views.gpmi_sign, name="sign"),
    path("<int:pk>/aanpassingen/nieuw/", views.amendment_add, name="amendment_add"),
    path("<int:pk>/evaluaties/nieuw/", views.evaluation_add, name="evaluation_add"),
    path("<int:pk>/contract.pdf", portable_views.gpmi_contract, name="contract"),
    path("<int:pk>/meeneembaar.pdf", portable_views.gpmi_portable, name="portable"),
    path("overnemen/", portable_views.gpmi_portable_import, name="portable_import"),
    path("vrijstelling/nieuw/", views.exemption_add, name="exemption_add"),
    path("sancties/nieuw/", views.sanction_add, name="sanction_add"),
    path("vdab/", views.vdab_edit, name="vdab"),
    path("vdab/toestemming/nieuw/", views.vdab_consent_add, name="vdab_consent_add"),
]
