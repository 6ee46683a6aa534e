"""The API token on the profile page: one per user, shown once, revocable."""

from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

CREATE = reverse("cramps:token_create")
REVOKE = reverse("cramps:token_revoke")


def test_it_creates_a_token_and_shows_the_key_once(owner_client, owner):
    response = owner_client.post(CREATE)

    token = Token.objects.get(user=owner)
    assert response.status_code == 200
    assert token.key.encode() in response.content
    assert b"API token created." in response.content
    # Afterwards the profile shows only the start of it.
    profile = owner_client.get(reverse("cramps:profile"))
    assert token.key.encode() not in profile.content
    assert f"<code>{token.key[:4]}…</code>".encode() in profile.content


def test_creating_again_replaces_the_old_token(owner_client, owner):
    owner_client.post(CREATE)
    old = Token.objects.get(user=owner).key

    response = owner_client.post(CREATE)

    assert Token.objects.filter(user=owner).count() == 1
    assert Token.objects.get(user=owner).key != old
    assert b"the old one no longer works" in response.content


def test_it_revokes_the_token(owner_client, owner):
    Token.objects.create(user=owner)

    response = owner_client.post(REVOKE, follow=True)

    assert not Token.objects.filter(user=owner).exists()
    assert b"API token revoked." in response.content
    assert b"Create token" in response.content


def test_token_changes_need_a_post(owner_client, owner):
    assert owner_client.get(CREATE).status_code == 405
    assert owner_client.get(REVOKE).status_code == 405
    assert not Token.objects.exists()


def test_token_changes_need_a_csrf_token(owner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)

    assert strict.post(CREATE).status_code == 403
    assert not Token.objects.exists()


def test_visitors_are_sent_to_log_in(client, db):
    response = client.post(CREATE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Token.objects.exists()


def test_a_user_only_ever_sees_and_revokes_their_own_token(owner_client, owner, outsider):
    theirs = Token.objects.create(user=outsider)

    profile = owner_client.get(reverse("cramps:profile"))
    assert theirs.key[:4].encode() + "…".encode() not in profile.content
    assert b"You have no API token." in profile.content

    owner_client.post(REVOKE)
    created = owner_client.post(CREATE)

    assert Token.objects.filter(pk=theirs.pk).exists()
    assert theirs.key.encode() not in created.content
    assert Token.objects.get(user=owner).key != theirs.key


def test_a_double_tap_on_create_is_a_message_not_a_500(owner_client, owner, monkeypatch):
    first = Token.objects.create(user=owner)
    # The second request looked before the first one's token was saved.
    monkeypatch.setattr("cramps.views.account._token_of", lambda user: None)

    response = owner_client.post(CREATE, follow=True)

    assert response.status_code == 200
    assert b"A token was just created from another request" in response.content
    assert Token.objects.get(user=owner).key == first.key
