"""`public_page`: visitors get the relief pages from Django's cache framework; a signed-in user's
page, a page with a CSRF token and a page with messages are never stored or shared."""

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from cramps.models import Notification
from cramps.views.public import CACHE_SECONDS, public_page

PUBLIC_PATHS = ["/", "/cramp-now/", "/cramp-now/?clot=yes", "/prevention/", "/evidence/"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _counting_view(body=None):
    calls = []

    @public_page
    def view(request):
        calls.append(request)
        if body:
            body(request)
        return HttpResponse("page")

    return view, calls


def _visitor_get(rf):
    request = rf.get("/evidence/")
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_visitor_gets_a_page_from_the_cache_with_no_query(
    client, db, path, django_assert_num_queries
):
    first = client.get(path)
    assert first.status_code == 200
    assert f"max-age={CACHE_SECONDS}" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again.content == first.content


def test_a_page_that_drew_a_csrf_token_is_never_stored(rf, db):
    view, calls = _counting_view(get_token)  # as a {% csrf_token %} in the template would
    first = view(_visitor_get(rf))
    view(_visitor_get(rf))
    assert len(calls) == 2
    assert "private" in first["Cache-Control"]


def test_a_page_with_messages_is_never_stored(rf, db):
    def with_message(request):
        messages.info(request, "Signed out.")

    view, calls = _counting_view(with_message)
    for _ in range(2):
        request = _visitor_get(rf)
        request._messages = CookieStorage(request)
        response = view(request)
        assert "private" in response["Cache-Control"]
    assert len(calls) == 2


def test_a_plain_visitor_page_is_stored_once(rf, db):
    view, calls = _counting_view()
    view(_visitor_get(rf))
    view(_visitor_get(rf))
    assert len(calls) == 1


def test_a_signed_in_user_gets_a_private_page_rendered_each_time(owner_client, owner):
    first = owner_client.get("/cramp-now/")
    assert "private" in first["Cache-Control"]
    assert "max-age" not in first["Cache-Control"]
    assert b" unread</span>" not in first.content
    Notification.objects.create(user=owner, title="Stretch", body="Time for your calf stretch.")
    assert b" unread</span>" in owner_client.get("/cramp-now/").content  # rendered again


def test_a_signed_in_page_never_reaches_a_visitor_and_back(client, owner):
    visitor = client.get("/cramp-now/").content.decode()
    assert "Saving a log needs a free account" in visitor
    client.force_login(owner)
    signed_in = client.get("/cramp-now/").content.decode()
    assert "Log out" in signed_in
    assert "Saving a log needs a free account" not in signed_in
    client.logout()
    client.cookies.clear()
    assert "Log out" not in client.get("/cramp-now/").content.decode()


def test_a_missing_technique_is_a_404_and_never_stored(client, db):
    assert client.get("/techniques/no-such-technique/").status_code == 404
    assert client.get("/techniques/no-such-technique/").status_code == 404
