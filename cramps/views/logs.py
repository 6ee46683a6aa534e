from django.http import HttpResponse


def history(request):
    return HttpResponse("TODO")
