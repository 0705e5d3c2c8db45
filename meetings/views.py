from django.http import HttpResponse


def visit_list(request, **kwargs):  # placeholder until the visits issue lands
    return HttpResponse("visits")
