"""The insights as JSON: /api/v1/insights/ (habits, patterns, relief), /insights/trends/ and
/insights/report/. Each reads only the requesting user's log, through the same functions as
the pages; there is no id in these URLs, so nobody else's data can be asked for."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cramps.insights import overview, report, trends


class HabitSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("The prevention tip the habit comes from."))
    label = serializers.CharField(source="habit.label")
    daily = serializers.BooleanField(source="habit.daily")
    score = serializers.IntegerField(help_text=_("Loop habit strength, 0-100."))
    change = serializers.IntegerField(help_text=_("Points against 7 days before."))
    trend = serializers.ListField(child=serializers.IntegerField(), help_text=_("Weekly scores."))
    current_streak = serializers.IntegerField()
    best_streak = serializers.IntegerField()


class PatternSerializer(serializers.Serializer):
    habit = serializers.CharField(source="habit.slug")
    label = serializers.CharField(source="habit.label")
    kept_days = serializers.IntegerField()
    kept_cramp_nights = serializers.IntegerField()
    missed_days = serializers.IntegerField()
    missed_cramp_nights = serializers.IntegerField()
    enough = serializers.BooleanField(help_text=_("False: not enough data yet."))
    direction = serializers.ChoiceField(choices=("fewer", "more", "same", "unknown"))


class ReliefSerializer(serializers.Serializer):
    technique = serializers.CharField(source="slug")
    name = serializers.CharField()
    uses = serializers.IntegerField()
    helped = serializers.IntegerField()
    somewhat = serializers.IntegerField()
    not_helped = serializers.IntegerField()
    helped_percent = serializers.IntegerField(allow_null=True)
    mean_duration_seconds = serializers.FloatField(allow_null=True)
    enough = serializers.BooleanField(help_text=_("False: fewer than 3 uses, not ranked."))


class OverviewSerializer(serializers.Serializer):
    habits = HabitSerializer(many=True)
    patterns = PatternSerializer(many=True)
    relief = ReliefSerializer(many=True, help_text=_("Ranked first, then those with few uses."))


class WeekSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()
    cramps = serializers.IntegerField()
    mean_severity = serializers.FloatField(allow_null=True)
    night_percent = serializers.IntegerField(allow_null=True)
    drinks_percent = serializers.IntegerField(allow_null=True)
    minerals_percent = serializers.DictField(
        child=serializers.IntegerField(allow_null=True), help_text=", ".join(trends.TARGET_MINERALS)
    )
    sodium_mg = serializers.IntegerField(allow_null=True, help_text=_("A limit, not a target."))


class TrendsSerializer(serializers.Serializer):
    weeks = WeekSerializer(many=True)


class TrendsQuerySerializer(serializers.Serializer):
    weeks = serializers.ChoiceField(choices=trends.PERIODS, default=trends.DEFAULT_WEEKS)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        today = self.context["today"]
        default_start, default_end = report.default_period(today)
        end = attrs.get("end", default_end)
        start = attrs.get("start", end - (default_end - default_start))
        try:
            report.check_period(start, end, today)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return {"start": start, "end": end}


class CountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class AdherenceSerializer(serializers.Serializer):
    label = serializers.CharField()
    kept = serializers.IntegerField()
    known = serializers.IntegerField()


class DoctorReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    cramps = serializers.IntegerField()
    cramp_days = serializers.IntegerField()
    per_week = serializers.FloatField()
    night = serializers.IntegerField()
    mean_severity = serializers.FloatField(allow_null=True)
    worst_severity = serializers.IntegerField(allow_null=True)
    contexts = CountSerializer(many=True)
    sides = CountSerializer(many=True)
    muscles = CountSerializer(many=True)
    durations = CountSerializer(many=True)
    long_cramps = serializers.ListField(child=serializers.DateTimeField())
    sleep_flag = serializers.BooleanField(help_text=_("Cramps in bed at least once a week."))
    adherence = AdherenceSerializer(many=True)
    relief = ReliefSerializer(many=True)
    experiments = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text=_('Experiments finished in the period: "title" and "summary".'),
    )
    medicines = serializers.ListField(child=serializers.CharField())


# The same errors as every other endpoint: a bad query parameter is a 400 with messages per
# parameter; a mistyped URL under /api/v1/ is a JSON 404.
_NOT_FOUND = OpenApiResponse(description=_("Not found."))
_BAD_QUERY = OpenApiResponse(description=_("A bad query parameter, with messages per parameter."))


def _pairs(rows):
    return [{"label": str(label), "count": count} for label, count in rows]


class InsightsView(APIView):
    @extend_schema(
        description=_(
            "Habit strength and streaks, patterns (kept against not kept) and the relief ranking."
        ),
        responses={200: OverviewSerializer, 404: _NOT_FOUND},
    )
    def get(self, request):
        data = overview.overview(request.user, request.user.local_today())
        data["relief"] = [*data.pop("relief_ranked"), *data.pop("relief_few")]
        return Response(OverviewSerializer(data).data)


class TrendsView(APIView):
    @extend_schema(
        description=_(
            "Week by week, oldest first: cramps, mean severity, share in bed, drinks and minerals "
            "against the user's daily guides (mean of the days logged)."
        ),
        parameters=[OpenApiParameter("weeks", int, enum=list(trends.PERIODS))],
        responses={200: TrendsSerializer, 400: _BAD_QUERY, 404: _NOT_FOUND},
    )
    def get(self, request):
        query = TrendsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user
        rows, _summary = overview.trend_weeks(
            user, user.local_today(), query.validated_data["weeks"]
        )
        return Response(TrendsSerializer({"weeks": rows}).data)


class ReportView(APIView):
    @extend_schema(
        description=_(
            "The doctor's report for a period of local dates (default: the last 90 days)."
        ),
        parameters=[
            OpenApiParameter("start", dt.date, description=_("First day, default 90 days back.")),
            OpenApiParameter("end", dt.date, description=_("Last day, default today.")),
        ],
        responses={200: DoctorReportSerializer, 400: _BAD_QUERY, 404: _NOT_FOUND},
    )
    def get(self, request):
        user = request.user
        period = PeriodSerializer(data=request.query_params, context={"today": user.local_today()})
        period.is_valid(raise_exception=True)
        result = report.build_report(user, **period.validated_data)
        data = {
            **vars(result),
            "contexts": _pairs(result.contexts),
            "sides": _pairs(result.sides),
            "muscles": _pairs(result.muscles),
            "durations": _pairs(result.durations),
            "adherence": [vars(a) for a in result.adherence],
            "relief": [*result.relief_ranked, *result.relief_few],
        }
        return Response(DoctorReportSerializer(data).data)


urlpatterns = [
    path("insights/", InsightsView.as_view(), name="api-insights"),
    path("insights/trends/", TrendsView.as_view(), name="api-insights-trends"),
    path("insights/report/", ReportView.as_view(), name="api-insights-report"),
]
