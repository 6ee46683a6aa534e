from django.http import HttpResponse


def notification_list(request):
    return HttpResponse("TODO")
