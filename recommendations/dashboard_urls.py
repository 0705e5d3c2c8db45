"""The staff dashboard's URLs, mounted at /dashboard/ (guarded like the admin: see envcrime.middleware)."""

from django.urls import path

from .views import dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.dashboard, name="index"),
    path("matrix.csv", dashboard.matrix_export, {"fmt": "csv"}, name="matrix_csv"),
    path("matrix.xlsx", dashboard.matrix_export, {"fmt": "xlsx"}, name="matrix_xlsx"),
    path("implementation-report.pdf", dashboard.report_pdf, name="report_pdf"),
    path("remind/<id:country_pk>/", dashboard.remind, name="remind"),
    path("remind-late/", dashboard.remind_late, name="remind_late"),
]
