from django.http import HttpResponse


def package_list(request):  # placeholder
    return HttpResponse("packages")
