from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("beheer/gebruikers/", views.user_list, name="user_list"),
    path("beheer/gebruikers/nieuw/", views.user_create, name="user_create"),
    path("beheer/gebruikers/<int:pk>/", views.user_edit, name="user_edit"),
    path("beheer/vocabularium/", views.vocabulary, name="vocabulary"),
    path("beheer/vocabularium/<str:vocabulary>/<int:pk>/", views.vocabulary_toggle, name="vocabulary_toggle"),
]
