from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from organisations.forms import EmailAuthenticationForm

urlpatterns = [
    path("", include("organisations.urls")),
    path("login/", auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm,
                                                redirect_authenticated_user=True), name="login"),
    path("", include("django.contrib.auth.urls")),
    path("clienten/", include("clients.urls")),
    path("beheer/django/", admin.site.urls),
]
