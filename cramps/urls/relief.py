from django.urls import path
from django.views.decorators.gzip import gzip_page

from cramps.views import relief

# The relief pages go out compressed: the guide's first load must stay small on a weak signal.
# They hold no secret a compression attack could read (Django masks the CSRF token per request).
urlpatterns = [
    path("", gzip_page(relief.home), name="home"),
    path("cramp-now/", gzip_page(relief.guide), name="guide"),
    path("techniques/<slug:slug>/", gzip_page(relief.technique_detail), name="technique"),
    path("prevention/", gzip_page(relief.prevention), name="prevention"),
    path("evidence/", gzip_page(relief.evidence), name="evidence"),
    path("red-flags/", gzip_page(relief.red_flags), name="red_flags"),
]
