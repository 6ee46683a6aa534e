"""The app's URLs, one module per area; every name lives in the `cramps:` namespace."""

from . import accounts, experiments, insights, logs, offline, relief, reminders

app_name = "cramps"

urlpatterns = [
    *relief.urlpatterns,
    *accounts.urlpatterns,
    *logs.urlpatterns,
    *reminders.urlpatterns,
    *offline.urlpatterns,
    *experiments.urlpatterns,
    *insights.urlpatterns,
]
