"""The portal's URLs plus the bare view the page benchmark compares every page with."""

from django.http import HttpResponse
from django.urls import path

from envcrime.urls import urlpatterns as portal_urlpatterns


def hello(request):
    return HttpResponse("hello\n", content_type="text/plain")


urlpatterns = [path("__bench__/hello/", hello), *portal_urlpatterns]
