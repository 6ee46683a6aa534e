import datetime as dt

import factory
from django.utils import timezone

from cramps import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")
    timezone = "Europe/Berlin"

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HydrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HydrationEntry

    user = factory.SubFactory(UserFactory)
    at = factory.LazyFunction(timezone.now)
    amount_ml = 250


class CrampEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CrampEpisode

    user = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    duration_seconds = 120
    side = models.CrampEpisode.Side.LEFT
    muscle = models.CrampEpisode.Muscle.CALF
    severity = 6
    context = models.CrampEpisode.Context.ASLEEP


class ExerciseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExerciseSession

    user = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=2))
    duration_minutes = 45
    activity = "Running"
