from django.urls import path

from .views import followup as views

app_name = "followup"

urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("network/", views.network, name="network"),
    path("<id:cycle_id>/", views.report, name="report"),
    path("<id:cycle_id>/recommendations/<id:recommendation_id>/", views.item_save, name="item_save"),
    path("<id:cycle_id>/recommendations/<id:recommendation_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("<id:cycle_id>/evidence/<id:pk>/", views.evidence_download, name="evidence_download"),
    path("<id:cycle_id>/evidence/<id:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("<id:cycle_id>/submit/", views.submit, name="submit"),
]
