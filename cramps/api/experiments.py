"""The experiments API: /api/v1/experiments/ (the user's own only).

Create, list, read, stop and delete; no edit: a plan is fixed once saved, and a finished or
stopped experiment is read or deleted only. The rules are the model's (`Experiment.clean()`,
the fields' validators), so a bad value gets the web form's words. Results appear only once an
experiment is over (no peeking), as on the web page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cramps.insights import experiments as insights
from cramps.models import Experiment
from cramps.models import experiments as rules

from .serializers import model_error


class ExperimentSerializer(serializers.ModelSerializer):
    habit = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=rules.eligible_habits(),
        help_text=_("The slug of a prevention tip an experiment can test."),
        error_messages={
            "does_not_exist": rules.NOT_A_HABIT,
            "invalid": rules.NOT_A_HABIT,
            "required": rules.NOT_A_HABIT,
            "null": rules.NOT_A_HABIT,
        },
    )
    last_night = serializers.DateField(read_only=True)

    class Meta:
        model = Experiment
        fields = ["id", "habit", "block_days", "pairs", "start_date", "last_night"]
        fields += ["seed", "status", "stopped_at", "created_at"]
        read_only_fields = ["id", "seed", "status", "stopped_at", "created_at"]
        extra_kwargs = {
            "block_days": {
                "error_messages": {"invalid_choice": rules.BLOCK_CHOICE},
                "help_text": _("7 or 14 nights per block."),
            },
            "pairs": {"error_messages": {"invalid_choice": rules.PAIRS_CHOICE}},
            "start_date": {
                "required": False,
                "help_text": _("The first night, a local date; defaults to the user's today."),
            },
        }

    def validate(self, attrs):
        user = self.context["request"].user
        attrs.setdefault("start_date", user.local_today())
        experiment = Experiment(user=user, **attrs)
        try:
            # The model's rules; the one-running constraint is in clean() with the same words.
            experiment.full_clean(validate_constraints=False)
        except DjangoValidationError as error:
            raise model_error(error) from None
        return attrs

    def create(self, validated_data):
        experiment = Experiment(**validated_data)
        try:
            # Another request may have started one since `validate()`: the rule's words, a 400.
            experiment.start()
        except DjangoValidationError as error:
            raise model_error(error) from None
        return experiment


class BlockSerializer(serializers.Serializer):
    index = serializers.IntegerField(source="block.index")
    arm = serializers.ChoiceField(source="block.arm", choices=[insights.HABIT, insights.NO_HABIT])
    first_night = serializers.DateField(source="block.first_night")
    last_night = serializers.DateField(source="block.last_night")
    nights = serializers.IntegerField(help_text=_("Nights of the block over so far."))
    answered = serializers.IntegerField(help_text=_("Check-ins that answered the habit."))
    as_planned = serializers.IntegerField()
    low_adherence = serializers.BooleanField()


class OutcomeSerializer(BlockSerializer):
    cramps = serializers.IntegerField()
    cramp_nights = serializers.IntegerField()
    mean_severity = serializers.FloatField(allow_null=True)


class RatioSerializer(serializers.Serializer):
    median = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    p_lower = serializers.FloatField(help_text=_("Probability the habit lowers the cramp rate."))


class ResultsSerializer(serializers.Serializer):
    pairs_used = serializers.IntegerField()
    cramps_habit = serializers.IntegerField()
    nights_habit = serializers.IntegerField()
    cramps_none = serializers.IntegerField()
    nights_none = serializers.IntegerField()
    ratio = RatioSerializer(allow_null=True)
    p_randomisation = serializers.FloatField(allow_null=True)
    verdict = serializers.ChoiceField(choices=list(insights.VERDICTS))
    verdict_words = serializers.CharField()


@extend_schema_serializer(
    description=_(
        "Blocks with adherence always; cramps per block and the results only once it is over."
    )
)
class ExperimentReportSerializer(serializers.Serializer):
    blocks = serializers.SerializerMethodField()
    results = ResultsSerializer(allow_null=True)

    @extend_schema(responses=OutcomeSerializer(many=True))
    def get_blocks(self, report) -> list:
        serializer = BlockSerializer if report.results is None else OutcomeSerializer
        return serializer(report.blocks, many=True).data


@extend_schema(
    description=_(
        "Personal experiments: one habit, pairs of blocks with and without it in a seeded random "
        "order. One running at a time; a plan cannot be edited once saved."
    )
)
class ExperimentViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Experiment.objects.none()
    serializer_class = ExperimentSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        Experiment.objects.settle(self.request.user)
        qs = Experiment.objects.for_user(self.request.user).select_related("habit", "user")
        return qs.order_by("-start_date", "-id")

    def create(self, request, *args, **kwargs):
        # A finished experiment makes room before the serializer checks the one-running rule.
        Experiment.objects.settle(request.user)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)

    @extend_schema(
        description=_("Stop a running experiment early; a finished or stopped one is a 400."),
        request=None,
        responses=ExperimentSerializer,
    )
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None, format=None):
        experiment = self.get_object()
        try:
            experiment.stop()
        except DjangoValidationError as error:
            raise serializers.ValidationError({"status": error.messages}) from None
        return Response(self.get_serializer(experiment).data)

    @extend_schema(
        description=_("The schedule with adherence; the results once the experiment is over."),
        responses=ExperimentReportSerializer,
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None, format=None):
        return Response(ExperimentReportSerializer(insights.report_for(self.get_object())).data)
