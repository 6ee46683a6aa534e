from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from rest_framework.authtoken.models import Token

from cramps import accounts
from cramps.forms.accounts import ProfileForm, RoutineFormSet, SignupForm, timezone_choices


def _token_of(user) -> Token | None:
    """The user's own API token: reached only through the user, never by an id from a request."""
    return Token.objects.filter(user=user).first()


def _safe_next(request) -> str:
    """A local `next` (e.g. the cramp form a visitor was on the way to, with what they tried)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: the login page's words, with the minutes left to wait."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


def signup(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "cramps:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same page whether or not the email already has an account; the confirmation
        # link carries `next` (e.g. the cramp form a visitor was on the way to).
        accounts.sign_up(form, next_url)
        return redirect("cramps:signup_sent")
    context = {"form": form, "timezones": timezone_choices(), "next": next_url}
    return render(request, "cramps/account/signup.html", context)


def signup_sent(request):
    return render(request, "cramps/account/signup_sent.html")


@require_http_methods(["GET", "POST"])
def signup_confirm(request, uidb64, token):
    # Mail systems open links to scan them: opening the link only shows the button that confirms.
    if request.method == "GET":
        if accounts.confirmable(uidb64, token) is None:
            return render(request, "cramps/account/signup_confirm_failed.html", status=400)
        context = {"next": _safe_next(request)}
        return render(request, "cramps/account/signup_confirm.html", context)
    user = accounts.confirm(uidb64, token)
    if user is None:
        return render(request, "cramps/account/signup_confirm_failed.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _(
            "Welcome to Crampless! Your email is confirmed. Check your time zone, bedtime and "
            "exercise routine below, so reminders arrive at the right local time."
        ),
    )
    # On the way to saving a cramp: the form it was headed for, filled in, comes first.
    return redirect(_safe_next(request) or "cramps:profile")


@login_required
def profile(request):
    # What is saved, not what was just typed: the notes follow the stored profile.
    show_pregnancy_notes = request.user.pregnant
    form = ProfileForm(request.POST or None, instance=request.user)
    formset = RoutineFormSet(request.POST or None, instance=request.user, prefix="routine")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            # Each save moves the reminders with it, in this one transaction.
            with transaction.atomic():
                form.save()
                formset.save()
        except IntegrityError:
            # Another tab or the API added a slot at that time after this page was loaded.
            request.user.refresh_from_db()
            formset.non_form_errors().append(
                _(
                    "One of these slots clashes with a slot saved meanwhile. Nothing was saved: "
                    "reload the page to see your current routine."
                )
            )
        else:
            messages.success(request, _("Profile saved. Reminders follow the new settings."))
            if form.targets_switched:
                messages.info(request, _("Your daily targets now use the defaults for your sex."))
            return redirect("cramps:profile")
    context = {
        "form": form,
        "formset": formset,
        "timezones": timezone_choices(),
        "token": _token_of(request.user),
        "show_pregnancy_notes": show_pregnancy_notes,
    }
    return render(request, "cramps/account/profile.html", context)


@login_required
@require_POST
def token_create(request):
    """A new API token, shown once; an existing one is replaced and stops working."""
    old = _token_of(request.user)
    try:
        with transaction.atomic():
            if old is not None:
                old.delete()
            token = Token.objects.create(user=request.user)
    except IntegrityError:
        # A double tap: the other request created the token, and only it can show the key.
        messages.info(request, _("A token was just created from another request. Replace it here."))
        return redirect("cramps:profile")
    messages.success(
        request,
        _("New API token created; the old one no longer works.")
        if old
        else _("API token created."),
    )
    return render(request, "cramps/account/token_created.html", {"token": token})


@login_required
@require_POST
def token_revoke(request):
    token = _token_of(request.user)
    if token is not None:
        token.delete()
        messages.success(request, _("API token revoked. Apps using it can no longer sign in."))
    else:
        messages.info(request, _("You had no API token."))
    return redirect("cramps:profile")


@csrf_exempt
@require_POST
def set_language(request):
    """Django's `set_language` (cookie + redirect to `next`); a signed-in user's choice is also
    kept on the profile, which wins over the browser on every device and for reminders.

    CSRF-exempt for the cookie alone: a token on every visitor's page would stop the relief
    pages being cached, and a forged switch only changes a language. The profile changes only
    when the request passes the CSRF check.
    """
    response = django_set_language(request)
    code = request.POST.get("language", "")
    csrf_ok = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None
    if request.user.is_authenticated and csrf_ok and code in dict(settings.LANGUAGES):
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response
