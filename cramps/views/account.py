from django.http import HttpResponse


def signup(request):
    return HttpResponse("TODO")


def profile(request):
    return HttpResponse("TODO")
