from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.package_list, name="package_list"),
    path("<int:pk>/", views.package_detail, name="package_detail"),
    path("<int:pk>/download/", views.package_download, name="package_download"),
    path("<int:pk>/acknowledge/", views.package_acknowledge, name="package_acknowledge"),
    path("link/<str:token>/", views.link, name="link"),
    path("link/<str:token>/download/", views.link_download, name="link_download"),
    path("link/<str:token>/acknowledge/", views.link_acknowledge, name="link_acknowledge"),
]
