from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("organisations/", views.organisations, name="organisations"),
]
