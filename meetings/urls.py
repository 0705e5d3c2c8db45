from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("past/", views.visit_list, name="past_visits"),
    path("mine/", views.visit_list, name="my_registrations"),
    path("<slug:slug>/", views.visit_list, name="visit_detail"),
]
