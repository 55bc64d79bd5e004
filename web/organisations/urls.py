from django.urls import path

from web import home

from . import care_organisations, views

urlpatterns = [
    path("", home.home, name="home"),
    path("login/code/", views.second_factor_view, name="second_factor"),
    path("account/tweestapsverificatie/", views.second_factor_setup, name="second_factor_setup"),
    path("account/tweestapsverificatie/uitschakelen/", views.second_factor_remove, name="second_factor_remove"),
    path("beheer/gebruikers/", views.user_list, name="user_list"),
    path("beheer/gebruikers/nieuw/", views.user_create, name="user_create"),
    path("beheer/gebruikers/<int:pk>/", views.user_edit, name="user_edit"),
    path("beheer/gebruikers/<int:pk>/tweestapsverificatie/", views.user_second_factor_reset,
         name="user_second_factor_reset"),
    path("beheer/aanvragen/<int:pk>/intrekken/", views.account_request_withdraw, name="account_request_withdraw"),
    path("toegang/", views.account_requests, name="account_requests"),
    path("toegang/<int:pk>/goedkeuren/", views.account_request_approve, name="account_request_approve"),
    path("toegang/<int:pk>/weigeren/", views.account_request_refuse, name="account_request_refuse"),
    path("beheer/vocabularium/", views.vocabulary, name="vocabulary"),
    path("beheer/instellingen/", views.organisation_settings, name="organisation_settings"),
    path("beheer/vocabularium/<str:vocabulary>/<int:pk>/", views.vocabulary_toggle, name="vocabulary_toggle"),
    path("beheer/zorgorganisaties/", care_organisations.care_organisation_list, name="care_organisation_list"),
    path("beheer/zorgorganisaties/nieuw/", care_organisations.care_organisation_create,
         name="care_organisation_create"),
    path("beheer/zorgorganisaties/<int:pk>/", care_organisations.care_organisation_edit,
         name="care_organisation_edit"),
]
