"""Log in, log out, password change and reset: Django's views with our templates and forms."""

import re

from django.core import mail
from django.urls import reverse

PASSWORD = "correct horse battery"  # tests.factories.UserFactory


def test_it_logs_in_and_goes_to_today(client, owner):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("cramps:today")
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_it_returns_to_the_page_that_asked_for_a_login(client, owner):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/profile/"}
    )

    assert response.url == "/profile/"


def test_a_wrong_password_gets_a_message_and_keeps_the_username(client, owner):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="alice"' in response.content
    assert "_auth_user_id" not in client.session


def test_the_login_page_links_to_reset_and_sign_up(client, db):
    response = client.get(reverse("login"))

    assert b'href="/accounts/password/reset/"' in response.content
    assert b'href="/signup/"' in response.content


def test_it_logs_out_with_a_post(owner_client):
    response = owner_client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in owner_client.session


def test_it_changes_the_password(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new calf 77",
            "new_password2": "a brand new calf 77",
        },
        follow=True,
    )

    owner.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert owner.check_password("a brand new calf 77")


def test_password_change_rejects_a_wrong_old_password_next_to_the_field(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x new 12345", "new_password2": "x new 12345"},
    )

    assert "old_password" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_password_reset_emails_a_link_that_sets_a_new_password(client, owner):
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.com"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert email.subject == "Reset your Crampless password"
    [link] = re.findall(r"http://testserver(/accounts/reset/\S+/)", email.body)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "reset calf stretch 9", "new_password2": "reset calf stretch 9"},
        follow=True,
    )

    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("reset calf stretch 9")
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_password_change_mismatch_also_shows_the_weak_password_message(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": "x", "new_password1": "calf", "new_password2": "cal"},
    )
    errors = response.context["form"].errors
    assert "new_password2" in errors
    assert any("too short" in message for message in errors["new_password1"])
