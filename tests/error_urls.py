"""A URLconf with a view that fails, for the 500 page's test."""

from django.urls import path

from tracker.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a test failure")


# The site's patterns spliced in, not included: i18n_patterns only work in a root URLconf.
urlpatterns = [path("boom/", boom), *site_urlpatterns]
