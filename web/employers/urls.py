from django.urls import path

from . import views

app_name = "employers"
urlpatterns = [
    path("", views.employer_list, name="list"),
    path("nieuw/", views.employer_create, name="create"),
    path("<int:pk>/", views.employer_detail, name="detail"),
    path("<int:pk>/bewerken/", views.employer_edit, name="edit"),
    path("<int:pk>/contactpersonen/nieuw/", views.contact_create, name="contact_create"),
    path("<int:pk>/contactpersonen/<int:contact_pk>/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/overeenkomsten/nieuw/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/overeenkomsten/<int:agreement_pk>/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/overeenkomsten/<int:agreement_pk>/document/", views.agreement_document, name="agreement_document"),
    path("<int:pk>/werkposten/nieuw/", views.workplace_create, name="workplace_create"),
    path("<int:pk>/werkposten/<int:workplace_pk>/bewerken/", views.workplace_edit, name="workplace_edit"),
    path("<int:pk>/werkposten/<int:workplace_pk>/kandidaten/", views.workplace_matches, name="workplace_matches"),
    path("<int:pk>/werkposten/<int:workplace_pk>/voorstellen/<int:client_pk>/", views.placement_propose,
         name="placement_propose"),
]
