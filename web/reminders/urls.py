from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/afgehandeld/", views.reminder_done, name="done"),
    path("<int:pk>/uitstellen/", views.reminder_snooze, name="snooze"),
    path("<int:pk>/heropenen/", views.reminder_reopen, name="reopen"),
    path("regels/", views.rule_settings, name="settings"),
]
