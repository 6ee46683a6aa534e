"""A URLconf with a view that fails, for the 500 page's test."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("a test failure")


urlpatterns = [path("boom/", boom), path("", include("tracker.urls"))]
