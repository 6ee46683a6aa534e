"""The app's URLs, one module per area; every name lives in the `cramps:` namespace."""

from . import accounts, insights, logs, relief, reminders

app_name = "cramps"

urlpatterns = [
    *relief.urlpatterns,
    *accounts.urlpatterns,
    *logs.urlpatterns,
    *reminders.urlpatterns,
    *insights.urlpatterns,
]
