from django.urls import path

from cramps.views import notifications

urlpatterns = [
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path("reminders/settings/", notifications.reminder_settings, name="reminder_settings"),
    path("reminders/<int:pk>/snooze/", notifications.delivery_snooze, name="delivery_snooze"),
    # Signed links from reminder emails: they work without a login.
    path(
        "reminders/snooze/<str:action>/<str:token>/",
        notifications.email_snooze,
        name="email_snooze",
    ),
    path("reminders/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
