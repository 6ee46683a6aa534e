from django.urls import path, register_converter

from cramps.views import insights


class _Year:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class _Month(_Year):
    regex = r"[0-9]{2}"

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(_Year, "yyyy")
register_converter(_Month, "mm")

urlpatterns = [
    path("insights/", insights.index, name="insights"),
    path("insights/calendar/", insights.this_month, name="insights_calendar_now"),
    path("insights/calendar/<yyyy:year>/<mm:month>/", insights.month, name="insights_calendar"),
    path("insights/trends/", insights.trends_page, name="insights_trends"),
    path("insights/report/", insights.report_page, name="insights_report"),
]
