from django.urls import path

from . import views

app_name = "trajectories"
urlpatterns = [
    path("nieuw/", views.trajectory_create, name="create"),
    path("<int:pk>/", views.trajectory_detail, name="detail"),
    path("<int:pk>/bewerken/", views.trajectory_edit, name="edit"),
    path("<int:pk>/stap/<str:action>/", views.trajectory_transition, name="transition"),
    path("<int:pk>/werkplekken/nieuw/", views.placement_create, name="placement_create"),
    path("<int:pk>/werkplekken/<int:placement_pk>/", views.placement_edit, name="placement_edit"),
    path("<int:pk>/uren/nieuw/", views.hours_step_create, name="hours_step_create"),
    path("<int:pk>/uren/<int:step_pk>/verwijderen/", views.hours_step_remove, name="hours_step_remove"),
    path("<int:pk>/doelen/nieuw/", views.goal_create, name="goal_create"),
    path("<int:pk>/doelen/<int:goal_pk>/", views.goal_update, name="goal_update"),
    path("<int:pk>/evaluaties/nieuw/", views.evaluation_create, name="evaluation_create"),
]
