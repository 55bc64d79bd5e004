from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("nieuw/", views.client_create, name="create"),
    path("overdragen/", views.hand_over, name="hand_over"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/bewerken/", views.client_edit, name="edit"),
    path("<int:pk>/historiek/", views.client_history, name="history"),
    path("<int:pk>/inzage/", views.client_access_log, name="access_log"),
    path("<int:pk>/contactmomenten/nieuw/", views.contact_create, name="contact_create"),
    path("<int:pk>/drempels/nieuw/", views.barrier_create, name="barrier_create"),
    path("<int:pk>/drempels/<int:barrier_pk>/", views.barrier_details, name="barrier_details"),
    path("<int:pk>/drempels/<int:barrier_pk>/bewerken/", views.barrier_edit, name="barrier_edit"),
]
