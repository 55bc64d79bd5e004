from django.urls import path

from . import views

app_name = "caseload"
urlpatterns = [
    path("export.<str:extension>", views.caseload_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/bevestigen/", views.import_confirm, name="import_confirm"),
]
