from django.urls import path

from cramps.views import offline

urlpatterns = [
    # At the root: a service worker controls only the pages under its own path.
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("favicon.ico", offline.favicon, name="favicon"),
]
