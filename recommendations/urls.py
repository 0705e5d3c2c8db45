from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.package_list, name="package_list"),
    path("<id:pk>/", views.package_detail, name="package_detail"),
    path("<id:pk>/download/", views.package_download, name="package_download"),
    path("<id:pk>/download/<str:language>/", views.package_download, name="package_download_language"),
    path("<id:pk>/acknowledge/", views.package_acknowledge, name="package_acknowledge"),
    path("link/<str:token>/", views.link, name="link"),
    path("link/<str:token>/download/", views.link_download, name="link_download"),
    path("link/<str:token>/download/<str:language>/", views.link_download, name="link_download_language"),
    path("link/<str:token>/acknowledge/", views.link_acknowledge, name="link_acknowledge"),
]
