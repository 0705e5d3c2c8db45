from django.http import HttpResponse


def directory(request):  # placeholder
    return HttpResponse("directory")
