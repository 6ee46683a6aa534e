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
    path("log/cramp/<int:pk>/", logs.episode_edit, name="episode_edit"),
    path("log/cramp/<int:pk>/delete/", logs.episode_delete, name="episode_delete"),
    path("log/drink/", logs.drink_add, name="drink_add"),
    path("log/drink/<int:pk>/", logs.drink_edit, name="drink_edit"),
    path("log/drink/<int:pk>/delete/", logs.drink_delete, name="drink_delete"),
    path("log/food/", logs.intake_add, name="intake_add"),
    path("log/food/<int:pk>/", logs.intake_edit, name="intake_edit"),
    path("log/food/<int:pk>/delete/", logs.intake_delete, name="intake_delete"),
    path("log/stretch/", logs.stretch_add, name="stretch_add"),
    path("log/stretch/bedtime/", logs.bedtime_routine_done, name="bedtime_routine_done"),
    path("log/stretch/<int:pk>/", logs.stretch_edit, name="stretch_edit"),
    path("log/stretch/<int:pk>/delete/", logs.stretch_delete, name="stretch_delete"),
    path("log/exercise/", logs.exercise_add, name="exercise_add"),
    path("log/exercise/<int:pk>/", logs.exercise_edit, name="exercise_edit"),
    path("log/exercise/<int:pk>/delete/", logs.exercise_delete, name="exercise_delete"),
    path("check-in/<int:pk>/", logs.checkin_edit, name="checkin_edit"),
    path("check-in/<int:pk>/delete/", logs.checkin_delete, name="checkin_delete"),
    path("history/", logs.history, name="history"),
    path("history/<slug:kind>/", logs.history_list, name="history_list"),
]
