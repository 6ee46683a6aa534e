from django.contrib import admin
from django.urls import include, path

from cramps.urls.accounts import auth_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("cramps.api.urls")),
    *auth_urlpatterns,
    path("", include("cramps.urls")),
]
