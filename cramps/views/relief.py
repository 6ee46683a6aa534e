from django.http import HttpResponse
from django.shortcuts import render


def home(request):
    return render(request, "cramps/home.html")


def guide(request):
    return HttpResponse("TODO")


def technique_detail(request, slug):
    return HttpResponse("TODO")


def prevention(request):
    return HttpResponse("TODO")


def evidence(request):
    return HttpResponse("TODO")


def red_flags(request):
    return HttpResponse("TODO")
