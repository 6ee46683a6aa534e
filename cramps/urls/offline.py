from django.urls import path
from django.views.decorators.gzip import gzip_page

from cramps.views import offline

urlpatterns = [
    # At the root: a service worker controls only the pages under its own path.
    path("sw.js", gzip_page(offline.service_worker), name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("favicon.ico", offline.favicon, name="favicon"),
]
