from django.urls import path

from . import views

app_name = "groupmodules"
urlpatterns = [
    path("", views.index, name="index"),
    path("nieuw/", views.module_create, name="module_create"),
    path("<int:pk>/", views.module_detail, name="module"),
    path("<int:pk>/bewerken/", views.module_edit, name="module_edit"),
    path("<int:pk>/edities/nieuw/", views.edition_create, name="edition_create"),
    path("edities/<int:pk>/", views.edition_detail, name="edition"),
    path("edities/<int:pk>/bewerken/", views.edition_edit, name="edition_edit"),
    path("edities/<int:pk>/inschrijven/", views.edition_enrol, name="enrol"),
    path("edities/<int:pk>/deelnemers/<int:enrolment_pk>/uitschrijven/", views.enrolment_leave, name="leave"),
    path("edities/<int:pk>/sessies/nieuw/", views.session_create, name="session_create"),
    path("sessies/<int:pk>/", views.session_detail, name="session"),
    path("sessies/<int:pk>/bewerken/", views.session_edit, name="session_edit"),
    path("sessies/<int:pk>/aanwezigheid/<int:enrolment_pk>/", views.attendance_mark, name="mark"),
]
