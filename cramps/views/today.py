from django.http import HttpResponse


def today(request):
    return HttpResponse("TODO")
