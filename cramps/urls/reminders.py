from django.urls import path

from cramps.views import notifications

urlpatterns = [
    path("notifications/", notifications.notification_list, name="notifications"),
]
