import datetime as dt

from django.urls import path, register_converter

from cramps.validators import EARLIEST
from cramps.views import logs, today


class _DayConverter:
    """A local date in ISO form, /day/2026-03-10/; an impossible date is a 404, and so is one
    before 1900 (a typo, and near year 1 the day's UTC bounds overflow)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        day = dt.date.fromisoformat(value)  # ValueError: no match, so a 404
        if day.year < EARLIEST.year:
            raise ValueError(f"{value} is before {EARLIEST.year}")
        return day

    def to_url(self, value):
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(_DayConverter, "logday")


def _entry_urls(prefix, name, kind, add=True):
    """Add, edit and delete of one kind of entry: `cramps:<name>_add`, `_edit`, `_delete`."""
    urls = [
        path(f"{prefix}<int:pk>/", logs.edit, {"kind": kind}, name=f"{name}_edit"),
        path(f"{prefix}<int:pk>/delete/", logs.delete, {"kind": kind}, name=f"{name}_delete"),
    ]
    if add:
        urls.append(path(prefix, logs.add, {"kind": kind}, name=f"{name}_add"))
    return urls


urlpatterns = [
    path("today/", today.today, name="today"),
    path("day/<logday:day>/", today.day, name="day"),
    path("log/cramp/", logs.episode_add, name="episode_add"),
    path("log/stretch/bedtime/", logs.bedtime_routine_done, name="bedtime_routine_done"),
    path("check-in/<int:pk>/", logs.checkin_edit, name="checkin_edit"),
    path("check-in/<int:pk>/delete/", logs.delete, {"kind": "checkins"}, name="checkin_delete"),
    *_entry_urls("log/cramp/", "episode", "cramps", add=False),
    *_entry_urls("log/drink/", "drink", "drinks"),
    *_entry_urls("log/food/", "intake", "intake"),
    *_entry_urls("log/stretch/", "stretch", "stretches"),
    *_entry_urls("log/exercise/", "exercise", "exercise"),
    path("history/", logs.history, name="history"),
    path("history/<slug:kind>/", logs.history_list, name="history_list"),
]
