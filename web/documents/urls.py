from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("nieuw/", views.document_add, name="add"),
    path("<int:pk>/", views.document_download, name="download"),
    path("<int:pk>/verwijderen/", views.document_delete, name="delete"),
]
