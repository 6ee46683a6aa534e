"""The JSON API: thin viewsets over the models and serializers.

A user reaches their own rows only, through `Model.objects.for_user(request.user)`; anyone
else's id is a 404. Lists are newest first, with their related rows fetched in a fixed number
of queries.
"""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    PreventionTip,
    RedFlag,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)
from cramps.reminders import schedule
from cramps.totals import day_totals as sum_day
from cramps.validators import EARLIEST

from . import serializers as s


class _UserLogViewSet(viewsets.ModelViewSet):
    """Create, list, read, update and delete one kind of the signed-in user's log.

    A subclass's `@extend_schema(description=...)` is its description in the OpenAPI schema,
    marked for translation (a docstring would stay English).
    """

    lookup_value_regex = r"[0-9]+"
    newest_first: tuple[str, ...] = ()

    def get_queryset(self):
        qs = self.queryset.model.objects.for_user(self.request.user)
        return self.with_related(qs).order_by(*self.newest_first)

    def with_related(self, qs):
        return qs

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)


class _ClientIdCreate:
    """Create, exactly once per `client_id`: a device that logged an entry offline sends it
    until it hears back, so a repeat answers 200 with the stored entry (whatever its body says).
    Ids are per user: another user's entry with the same id is never read or touched."""

    def create(self, request, *args, **kwargs):
        client_id = self._client_id(request.data)
        if client_id is not None and (stored := self._stored(client_id)) is not None:
            return Response(self.get_serializer(stored).data, status=status.HTTP_200_OK)
        try:
            with transaction.atomic():
                return super().create(request, *args, **kwargs)
        except IntegrityError:
            # The same id sent twice at once: the other request saved it first.
            if client_id is None or (stored := self._stored(client_id)) is None:
                raise
            return Response(self.get_serializer(stored).data, status=status.HTTP_200_OK)

    def _stored(self, client_id):
        return self.get_queryset().filter(client_id=client_id).first()

    @staticmethod
    def _client_id(data):
        raw = data.get("client_id") if isinstance(data, dict) else None
        if raw is None or raw == "":
            return None
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            raise exceptions.ValidationError({"client_id": [_("Must be a valid UUID.")]}) from None


@extend_schema(
    description=gettext_lazy(
        "Cramp episodes. Only `side` and `severity` are required; `techniques_tried` is written "
        "with the episode in one transaction (sent on update, it replaces the list)."
    )
)
@extend_schema_view(
    create=extend_schema(responses={201: s.CrampEpisodeSerializer, 200: s.CrampEpisodeSerializer})
)
class CrampEpisodeViewSet(_ClientIdCreate, _UserLogViewSet):
    queryset = CrampEpisode.objects.none()
    serializer_class = s.CrampEpisodeSerializer
    newest_first = ("-started_at", "-id")

    def with_related(self, qs):
        trials = TechniqueTrial.objects.select_related("technique").order_by("id")
        return qs.prefetch_related(Prefetch("trials", queryset=trials))


@extend_schema(
    description=gettext_lazy(
        "Drinks. Only `amount_ml` is required (1-5000); `at` defaults to now, `drink` to water."
    )
)
@extend_schema_view(
    create=extend_schema(
        responses={201: s.HydrationEntrySerializer, 200: s.HydrationEntrySerializer}
    )
)
class HydrationEntryViewSet(_ClientIdCreate, _UserLogViewSet):
    queryset = HydrationEntry.objects.none()
    serializer_class = s.HydrationEntrySerializer
    newest_first = ("-at", "-id")


@extend_schema(
    description=gettext_lazy(
        "Minerals: a `food` slug with `servings` (mg computed and stored), or a `label` with "
        "direct mg amounts. Not both, not neither."
    )
)
class IntakeEntryViewSet(_UserLogViewSet):
    queryset = IntakeEntry.objects.none()
    serializer_class = s.IntakeEntrySerializer
    newest_first = ("-at", "-id")

    def with_related(self, qs):
        return qs.select_related("food")


@extend_schema(
    description=gettext_lazy(
        "Stretches done: a stretch or routine `technique` slug, `duration_minutes`, `occasion`."
    )
)
class StretchEntryViewSet(_UserLogViewSet):
    queryset = StretchEntry.objects.none()
    serializer_class = s.StretchEntrySerializer
    newest_first = ("-at", "-id")

    def with_related(self, qs):
        return qs.select_related("technique")


@extend_schema(
    description=gettext_lazy(
        "Exercise sessions, planned or done. Any change refreshes the user's reminder times."
    )
)
class ExerciseSessionViewSet(_UserLogViewSet):
    queryset = ExerciseSession.objects.none()
    serializer_class = s.ExerciseSessionSerializer
    newest_first = ("-starts_at", "-id")

    # Writes go through `schedule.save_session` / `delete_session` (in the serializer for saves).

    def perform_destroy(self, instance):
        schedule.delete_session(instance)


@extend_schema(
    description=gettext_lazy(
        "Daily check-ins, one per local date; each habit true, false or null (not answered)."
    )
)
@extend_schema_view(
    create=extend_schema(
        description=gettext_lazy(
            "Upsert by date: a check-in for a date that already has one updates the answers "
            "sent (201 when created, 200 when updated). `date` defaults to the user's local "
            "today."
        ),
        responses={201: s.CheckInSerializer, 200: s.CheckInSerializer},
    )
)
@extend_schema_view(
    update=extend_schema(responses={200: s.CheckInSerializer, 409: s.ConflictSerializer}),
    partial_update=extend_schema(responses={200: s.CheckInSerializer, 409: s.ConflictSerializer}),
)
class CheckInViewSet(_UserLogViewSet):
    queryset = CheckIn.objects.none()
    serializer_class = s.CheckInSerializer
    newest_first = ("-date", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        code = status.HTTP_201_CREATED if serializer.created else status.HTTP_200_OK
        return Response(serializer.data, status=code)


_ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "The language of the library's text: `en` (the default) or `zh-hans` (Simplified "
        "Chinese; `zh-CN` and `zh` also choose it). Any other or malformed value gives English, "
        "as does a row not yet translated. The response's `Content-Language` names the language."
    ),
)


@extend_schema(
    description=gettext_lazy(
        "The relief library is public reference data, as on the web pages: no account needed. "
        "Its text comes in the language the request's `Accept-Language` asks for, English when "
        "there is none."
    )
)
@extend_schema_view(
    list=extend_schema(parameters=[_ACCEPT_LANGUAGE]),
    retrieve=extend_schema(parameters=[_ACCEPT_LANGUAGE]),
)
class _LibraryViewSet(viewsets.ReadOnlyModelViewSet):
    """The relief library, read only. LocaleMiddleware activates the request's language; the
    models' translated fields read it."""

    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"


class ReliefTechniqueViewSet(_LibraryViewSet):
    queryset = ReliefTechnique.objects.all()
    serializer_class = s.ReliefTechniqueSerializer


class PreventionTipViewSet(_LibraryViewSet):
    queryset = PreventionTip.objects.all()
    serializer_class = s.PreventionTipSerializer


class RedFlagViewSet(_LibraryViewSet):
    queryset = RedFlag.objects.all()
    serializer_class = s.RedFlagSerializer


class FoodItemViewSet(_LibraryViewSet):
    queryset = FoodItem.objects.all()
    serializer_class = s.FoodItemSerializer


@extend_schema(
    description=gettext_lazy(
        "A day's drinks and minerals against the user's targets and limits, with any warning "
        "(sodium over its limit, supplement magnesium over 350 mg): the today page's figures."
    ),
    parameters=[
        OpenApiParameter(
            "date", dt.date, description=gettext_lazy("A local date; today when left out.")
        )
    ],
    responses={
        200: s.DayTotalsSerializer,
        400: OpenApiResponse(
            description=gettext_lazy("The date is not YYYY-MM-DD, or is before 1900.")
        ),
        404: OpenApiResponse(
            description=gettext_lazy("A day that has not come yet (as on the web page).")
        ),
    },
)
@api_view(["GET"])
def day_totals(request):
    user = request.user
    raw = request.query_params.get("date")
    try:
        day = dt.date.fromisoformat(raw) if raw else user.local_today()
    except ValueError:
        raise exceptions.ValidationError({"date": [_("Enter a date as YYYY-MM-DD.")]}) from None
    if day < EARLIEST.date():
        raise exceptions.ValidationError({"date": [_("Enter a date from 1900 on.")]})
    if day > user.local_today():
        raise exceptions.NotFound(_("That day has not come yet."))
    totals = sum_day(
        user,
        HydrationEntry.objects.on_day(user, day),
        IntakeEntry.objects.on_day(user, day).with_details(),
    )
    data = {
        "date": day,
        "drinks_ml": totals.drinks_ml,
        "drinks_target_ml": totals.drinks_target_ml,
        "minerals": [m.as_dict() for m in totals.minerals],
    }
    return Response(s.DayTotalsSerializer(data).data)


@csrf_exempt  # it changes nothing; without this a DELETE with a cookie gets Django's HTML 403
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("Not found.")}, status=404)
