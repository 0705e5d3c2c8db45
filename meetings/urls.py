from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("past/", views.past_visits, name="past_visits"),
    path("mine/", views.my_registrations, name="my_registrations"),
    path("mine/<id:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("mine/<id:pk>/invitation-letter.pdf", views.visa_letter, name="visa_letter"),
    path("nominations/", views.nominations, name="nominations"),
    path("nominations/<id:pk>/endorse/", views.nomination_endorse, name="nomination_endorse"),
    path("nominations/<id:pk>/reject/", views.nomination_reject, name="nomination_reject"),
    path("letters/<str:reference>/", views.letter_verify, name="letter_verify"),
    path("<slug:slug>/", views.visit_detail, name="visit_detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/calendar.ics", views.visit_calendar, name="visit_calendar"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
]
