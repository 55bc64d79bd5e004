from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from organisations.accounts import InvitationAwarePasswordResetForm
from web.caseload import views as caseload_views
from web.employers import views as employer_views
from web.organisations.forms import EmailAuthenticationForm
from web.organisations.views import healthz
from web.search import views as search_views

urlpatterns = [
    path("", include("web.organisations.urls")),
    path("login/", auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm,
                                                redirect_authenticated_user=True), name="login"),
    path("password_reset/", auth_views.PasswordResetView.as_view(form_class=InvitationAwarePasswordResetForm),
         name="password_reset"),
    path("", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("zoeken/", search_views.search, name="search"),
    path("clienten/", include("web.clients.urls")),
    path("clienten/<int:client_pk>/trajecten/", include("web.trajectories.urls")),
    path("clienten/<int:client_pk>/documenten/", include("web.documents.urls")),
    path("clienten/<int:client_pk>/gpmi/", include("web.gpmi.urls")),
    path("clienten/<int:client_pk>/participatieladder/", include("web.ladder.urls")),
    path("clienten/<int:client_pk>/werkposten/", employer_views.client_matches, name="client_matches"),
    path("werkgevers/", include("web.employers.urls")),
    path("opvolging/", include("web.reminders.urls")),
    path("groepsmodules/", include("web.groupmodules.urls")),
    path("termijnen/", include("web.gpmi.deadline_urls")),
    path("caseload/", include("web.caseload.urls")),
    path("overzicht/", include("web.reporting.urls")),
    path("clienten/<int:client_pk>/inzage.<str:extension>", caseload_views.subject_access, name="subject_access"),
    path("beheer/django/", admin.site.urls),
]
