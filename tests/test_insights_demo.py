"""`python manage.py demo`: a demo account whose 120 days fill every insights page."""

import random

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cramps.insights import demo
from cramps.models import CheckIn, CrampEpisode, HydrationEntry, User
from tests.conftest import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_makes_a_demo_account_with_120_days_and_makes_it_afresh_when_run_again(capsys):
    call_command("demo")
    user = User.objects.get(username=demo.DEMO_USERNAME)
    first = CrampEpisode.objects.for_user(user).count()
    days = CheckIn.objects.for_user(user).values("date")
    assert first > 10
    assert 90 <= days.count() <= 119
    assert user.check_password("demo-password")
    assert "Demo account 'demo'" in capsys.readouterr().out
    call_command("demo")
    again = User.objects.get(username=demo.DEMO_USERNAME)
    assert CrampEpisode.objects.for_user(again).count() == first
    assert User.objects.filter(username=demo.DEMO_USERNAME).count() == 1


def test_the_same_seed_gives_the_same_log_and_nothing_in_the_future(owner):
    twin = UserFactory(username="twin", timezone=owner.timezone)
    one = demo.generate(owner, random.Random(5), owner.local_today(), 30)
    two = demo.generate(twin, random.Random(5), owner.local_today(), 30)
    assert one == two
    assert not HydrationEntry.objects.filter(at__gt=NOW).exists()
    assert not CrampEpisode.objects.filter(started_at__gt=NOW).exists()


def test_the_experiment_hook_is_there_for_the_merge(owner):
    assert demo.add_demo_experiment(owner, random.Random(1), owner.local_today()) is None


def test_it_never_replaces_someones_own_account_named_demo(db):
    UserFactory(username=demo.DEMO_USERNAME, email="real.person@example.com")

    with pytest.raises(CommandError, match="someone's own account"):
        call_command("demo")
    assert User.objects.get(username=demo.DEMO_USERNAME).email == "real.person@example.com"


def test_it_refuses_where_the_site_answers_to_a_public_host_unless_forced(settings, capsys):
    settings.ALLOWED_HOSTS = ["crampless.example.org"]

    with pytest.raises(CommandError, match="public"):
        call_command("demo")
    assert not User.objects.filter(username=demo.DEMO_USERNAME).exists()
    call_command("demo", force=True)
    assert User.objects.filter(username=demo.DEMO_USERNAME).exists()
