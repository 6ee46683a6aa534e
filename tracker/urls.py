from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cramps.urls.accounts import auth_urlpatterns
from cramps.views.account import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("cramps.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    *auth_urlpatterns,
    # English at /cramp-now/, Chinese at /zh-hans/cramp-now/: a link can be shared in either.
    # The whole app sits here (one `cramps:` namespace); cramps.middleware.UserLanguageMiddleware
    # sends a reader whose language is not English to the prefixed page.
    *i18n_patterns(path("", include("cramps.urls")), prefix_default_language=False),
]
