"""Your data: download it (JSON or zipped CSV), import an export, delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from cramps import portability
from cramps.forms.portability import DeleteAccountForm, ImportForm


def download(user, kind: str) -> StreamingHttpResponse:
    """The export as a streamed attachment: the web page and the API share it."""
    stamp = timezone.now().strftime("%Y-%m-%d")
    if kind == "zip":
        response = StreamingHttpResponse(
            portability.export_zip(user), content_type="application/zip"
        )
    else:
        response = StreamingHttpResponse(
            portability.export_json(user), content_type="application/json"
        )
    name = f"crampless-{user.get_username()}-{stamp}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_json(request):
    return download(request.user, "json")


@login_required
@require_GET
def export_zip(request):
    return download(request.user, "zip")


@login_required
@csrf_exempt  # the CSRF check reads the body: the size comes first, then `_import_data`'s check
def import_data(request):
    refusal = portability.upload_too_large(request) if request.method == "POST" else ""
    if refusal:
        form = ImportForm(data={}, files={})
        form.full_clean()
        form.errors["file"] = form.error_class([refusal])
        return _import_page(request, form)
    return _import_data(request)


@csrf_protect
def _import_data(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = portability.import_json(request.user, form.cleaned_data["file"])
        except portability.ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(
                request,
                _("Imported %(rows)d entries. Reminders follow the imported settings.")
                % {"rows": sum(n for kind, n in counts.items() if kind != "reminder_settings")},
            )
            return redirect("cramps:profile")
    return _import_page(request, form)


def _import_page(request, form):
    has_data = portability.has_data(request.user)
    context = {"form": form, "has_data": has_data}
    return render(request, "cramps/account/import.html", context)


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        portability.delete_account(user)
        messages.success(request, _("Your account and all its data are deleted."))
        return redirect("cramps:home")
    return render(request, "cramps/account/delete.html", {"form": form})
