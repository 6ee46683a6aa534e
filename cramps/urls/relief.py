from django.urls import path

from cramps.views import relief

urlpatterns = [
    path("", relief.home, name="home"),
    path("cramp-now/", relief.guide, name="guide"),
    path("techniques/<slug:slug>/", relief.technique_detail, name="technique"),
    path("prevention/", relief.prevention, name="prevention"),
    path("evidence/", relief.evidence, name="evidence"),
    path("red-flags/", relief.red_flags, name="red_flags"),
]
