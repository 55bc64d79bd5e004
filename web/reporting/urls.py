from django.urls import path

from . import exports, region_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("cijfer/<str:figure>/", views.figure_behind, name="behind"),
    path("jaarverslagen/", views.report_list, name="reports"),
    path("jaarverslagen/<int:pk>/", views.report_detail, name="report"),
    path("jaarverslagen/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("jaarverslagen/<int:pk>/mailen/", views.report_email, name="report_email"),
    path("jaarverslagen/<int:pk>/opnieuw/", views.report_retry, name="report_retry"),
    path("exports/uniek-verslag.xlsx", exports.uniek_verslag_export, name="export_uniek_verslag"),
    path("exports/vdab-twe.xlsx", exports.vdab_twe_export, name="export_vdab_twe"),
    path("regio.csv", region_views.region_csv, name="region_csv"),
    path("regio.pdf", region_views.region_pdf, name="region_pdf"),
]
