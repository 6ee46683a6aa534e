from django.urls import path

from cramps.views import logs, today

urlpatterns = [
    path("today/", today.today, name="today"),
    path("history/", logs.history, name="history"),
]
