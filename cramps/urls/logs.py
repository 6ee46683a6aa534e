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


urlpatterns = [
    path("today/", today.today, name="today"),
    path("day/<logday:day>/", today.day, name="day"),
    path("log/cramp/", logs.episode_add, name="episode_add"),
    path("log/stretch/bedtime/", logs.bedtime_routine_done, name="bedtime_routine_done"),
    path("check-in/<int:pk>/", logs.checkin_edit, name="checkin_edit"),
    path("check-in/<int:pk>/delete/", logs.delete, {"kind": "checkins"}, name="checkin_delete"),
    path("log/cramp/<int:pk>/", logs.edit, {"kind": "cramps"}, name="episode_edit"),
    path("log/cramp/<int:pk>/delete/", logs.delete, {"kind": "cramps"}, name="episode_delete"),
    path("log/drink/", logs.add, {"kind": "drinks"}, name="drink_add"),
    path("log/drink/<int:pk>/", logs.edit, {"kind": "drinks"}, name="drink_edit"),
    path("log/drink/<int:pk>/delete/", logs.delete, {"kind": "drinks"}, name="drink_delete"),
    path("log/food/", logs.add, {"kind": "intake"}, name="intake_add"),
    path("log/food/<int:pk>/", logs.edit, {"kind": "intake"}, name="intake_edit"),
    path("log/food/<int:pk>/delete/", logs.delete, {"kind": "intake"}, name="intake_delete"),
    path("log/stretch/", logs.add, {"kind": "stretches"}, name="stretch_add"),
    path("log/stretch/<int:pk>/", logs.edit, {"kind": "stretches"}, name="stretch_edit"),
    path("log/stretch/<int:pk>/delete/", logs.delete, {"kind": "stretches"}, name="stretch_delete"),
    path("log/exercise/", logs.add, {"kind": "exercise"}, name="exercise_add"),
    path("log/exercise/<int:pk>/", logs.edit, {"kind": "exercise"}, name="exercise_edit"),
    path(
        "log/exercise/<int:pk>/delete/", logs.delete, {"kind": "exercise"}, name="exercise_delete"
    ),
    path("history/", logs.history, name="history"),
    path("history/<slug:kind>/", logs.history_list, name="history_list"),
]
