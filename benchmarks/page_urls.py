"""URLs of the page benchmark's server: the app's own, plus a bare view to compare pages with."""

from django.http import HttpResponse
from django.urls import path

import tracker.urls


def bare(request):
    """The cheapest response Django gives behind the app's middleware: the 1.0x of the table."""
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *tracker.urls.urlpatterns]
