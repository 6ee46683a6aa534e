"""A user's data is theirs: export it all, import it back, delete it all.

- `export_json(user)` / `export_zip(user)`: every row of the user, as one JSON document or as CSV
  files (one per kind) in a zip, produced as an iterator of chunks so a long history is streamed
  and never held in memory at once (rows are read in batches with `.iterator()`).
- `import_json(user, file)`: a JSON export into an account that holds no logs yet restores every
  row (ids are new; links between rows follow). Into an account that already has data it is
  refused, never merged. A file that is not an export, one over `MAX_IMPORT_BYTES` (refused
  before it is read whole), or any bad row changes nothing: one transaction. Reminders are
  planned again from the imported settings afterwards.
- `delete_account(user)`: every row of the user at once (logs, check-ins, reminders, deliveries,
  notifications, API token, login-attempt records); every session of the user is signed out.

Rows are described once, in `KINDS`, from the models' own fields: a new field is exported and
imported with no change here.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessLog
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from zipstream import ZIP_DEFLATED, ZipStream

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    Experiment,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    Notification,
    PreventionTip,
    ReliefTechnique,
    ReminderDelivery,
    ReminderSchedule,
    RoutineSlot,
    StretchEntry,
    TechniqueTrial,
    User,
)
from cramps.reminders import schedule
from cramps.validators import known_zone

FORMAT = "crampless-export"
VERSION = 1
BATCH = 500
# The largest file an import reads. Years of daily logs with their reminders make a few MB of
# JSON; parsed, a file takes several times its size in memory, so a bigger one is refused unread.
MAX_IMPORT_BYTES = 10 * 1024 * 1024

# The profile's own settings; the username, email and password stay the importing account's.
PROFILE_FIELDS = User.PROFILE_FIELDS
# Library rows are referred to by their stable slug, never by an id.
LIBRARY = (FoodItem, ReliefTechnique, PreventionTip)


class ImportRefused(Exception):
    """The import changed nothing; the message says why, in words for the person importing."""


class AccountNotEmpty(ImportRefused):
    """The account already has entries: an import never merges."""


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    # The field linking a row to a row of an earlier kind (exported as that row's old id).
    parent: tuple[str, str] | None = None
    # How a row reaches its user, for a kind without a `user` field of its own.
    owner: str = "user"

    def queryset(self, user):
        return self.model.objects.filter(**{self.owner: user}).order_by("pk")

    def fields(self) -> list[models.Field]:
        return [
            f for f in self.model._meta.concrete_fields if not f.primary_key and f.name != "user"
        ]

    def columns(self) -> list[str]:
        return ["id", *(f.name for f in self.fields())]

    def rows(self, user) -> Iterator[dict]:
        lookups = ["pk"]
        for f in self.fields():
            lookups.append(f"{f.name}__slug" if _is_library(f) else f.attname)
        names = self.columns()
        for values in self.queryset(user).values_list(*lookups).iterator(chunk_size=BATCH):
            yield dict(zip(names, values, strict=True))


def _is_library(field) -> bool:
    return field.is_relation and field.related_model in LIBRARY


KINDS = (
    Kind("routine_slots", RoutineSlot),
    Kind("cramps", CrampEpisode),
    Kind("techniques_tried", TechniqueTrial, ("episode", "cramps"), owner="episode__user"),
    Kind("drinks", HydrationEntry),
    Kind("minerals", IntakeEntry),
    Kind("stretches", StretchEntry),
    Kind("exercise", ExerciseSession),
    Kind("checkins", CheckIn),
    Kind("experiments", Experiment),
    Kind("reminder_settings", ReminderSchedule),
    Kind("reminder_deliveries", ReminderDelivery),
    Kind("notifications", Notification, parent=("delivery", "reminder_deliveries")),
)
# An account's reminder settings exist from its first day: they do not make it "not empty".
_DATA_KINDS = [kind for kind in KINDS if kind.model is not ReminderSchedule]


def _profile(user) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "date_joined": user.date_joined,
        **{name: getattr(user, name) for name in PROFILE_FIELDS},
    }


def _dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


# Export ------------------------------------------------------------------------------------


def export_json(user) -> Iterator[str]:
    """One JSON document: {"format", "version", "exported_at", "profile", kind: [rows], ...}."""
    head = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now()}
    yield _dumps(head)[:-1]
    yield f', "profile": {_dumps(_profile(user))}'
    for kind in KINDS:
        yield f', "{kind.name}": ['
        for n, row in enumerate(kind.rows(user)):
            yield ("," if n else "") + _dumps(row)
        yield "]"
    yield "}\n"


def export_zip(user) -> ZipStream:
    """A zip of CSV files, profile.csv and one per kind; iterate it for the bytes."""
    stream = ZipStream(compress_type=ZIP_DEFLATED)
    profile = _profile(user)
    stream.add(_csv([list(profile)], [profile]), "profile.csv")
    for kind in KINDS:
        stream.add(_csv([kind.columns()], kind.rows(user)), f"{kind.name}.csv")
    return stream


def _csv(header: list[list[str]], rows) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = header[0]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row[c]) for c in columns])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _csv_value(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None:
        return ""
    return value


# Import ------------------------------------------------------------------------------------


def has_data(user) -> bool:
    return any(kind.queryset(user).exists() for kind in _DATA_KINDS)


def import_json(user, file) -> dict[str, int]:
    """Restore an export into `user`'s empty account; {kind: rows imported}.

    Raises ImportRefused, with nothing changed, for an account with data or a bad file.
    """
    document = _read(file)
    try:
        with transaction.atomic():
            # Locks the account row: two imports at once cannot both find it empty.
            User.objects.select_for_update().get(pk=user.pk)
            if has_data(user):
                raise AccountNotEmpty(
                    _(
                        "This account already has data, so nothing was imported: an import "
                        "only fills an empty account, to never mix or duplicate entries. "
                        "Delete the account and sign up again to start from the export."
                    )
                )
            counts = _restore(user, document)
            schedule.refresh_schedules(user)
    except IntegrityError as exc:
        raise ImportRefused(
            _("The file holds entries that contradict each other, so nothing was imported (%s).")
            % exc
        ) from None
    return counts


# Room for the multipart envelope and the form's other fields around the file itself.
_FORM_ROOM = 64 * 1024


def upload_too_large(request) -> str:
    """The refusal when a request's stated body is too big for an import, else "". Read before
    anything parses the body (the CSRF check included): Django would save the whole upload to a
    temporary file first. A body without a stated length reaches Django empty."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return str(_too_large()) if length > MAX_IMPORT_BYTES + _FORM_ROOM else ""


def _too_large() -> ImportRefused:
    return ImportRefused(
        _(
            "This file is larger than %(mb)d MB, so nothing was imported. Choose the JSON "
            "export saved from Crampless."
        )
        % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    )


def _read(file) -> dict:
    # Refused before it is read whole: by the size an upload states, else by reading one byte more.
    if (getattr(file, "size", None) or 0) > MAX_IMPORT_BYTES:
        raise _too_large()
    content = file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise _too_large()
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ImportRefused(_("This file is not JSON. Choose a Crampless JSON export.")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(_("This file is not a Crampless export. Choose the JSON export."))
    if document.get("version") != VERSION:
        raise ImportRefused(
            _("This export's version (%(version)s) is not one this site can read.")
            % {"version": document.get("version")}
        )
    return document


def _restore(user, document) -> dict[str, int]:
    profile = document.get("profile") or {}
    if not isinstance(profile, dict):
        raise ImportRefused(_("The profile in this file is not readable."))
    for name in PROFILE_FIELDS:
        if name in profile:
            field = User._meta.get_field(name)
            setattr(user, name, _to_python(field, profile[name], "profile", 1))
    # The profile's checks read the day in this zone: an unknown one is refused before them.
    try:
        user.timezone = known_zone(user.timezone)
    except ValidationError as exc:
        raise ImportRefused(_row_error("profile", 1, exc, "timezone")) from None
    try:
        user.full_clean(exclude=["password", "username", "email"])
    except ValidationError as exc:
        raise ImportRefused(_row_error("profile", 1, exc)) from None
    user.save(update_fields=PROFILE_FIELDS)

    new_ids: dict[str, dict] = {}
    counts = {}
    library = {model: dict(model.objects.values_list("slug", "pk")) for model in LIBRARY}
    for kind in KINDS:
        rows = document.get(kind.name, [])
        if not isinstance(rows, list):
            raise ImportRefused(_("“%(kind)s” in this file is not a list.") % {"kind": kind.name})
        objects, old_ids = [], []
        for number, row in enumerate(rows, start=1):
            objects.append(_build(user, kind, row, number, library, new_ids))
            old_ids.append(_old_id(row.get("id"), kind.name, number, "id"))
        if kind.model is ReminderSchedule:
            _restore_settings(user, objects)
            counts[kind.name] = len(objects)
            continue
        stamps = _timestamps(kind.model, objects)
        created = kind.model.objects.bulk_create(objects, batch_size=BATCH)
        _keep_timestamps(kind.model, created, stamps)
        new_ids[kind.name] = {
            old: obj.pk for old, obj in zip(old_ids, created, strict=True) if old is not None
        }
        counts[kind.name] = len(created)
    return counts


def _build(user, kind, row, number, library, new_ids):
    if not isinstance(row, dict):
        raise ImportRefused(_row_error(kind.name, number, _("not an object")))
    obj = kind.model()
    if kind.owner == "user":
        obj.user = user
    for field in kind.fields():
        if field.name not in row:
            continue
        value = row[field.name]
        if kind.parent and field.name == kind.parent[0]:
            linked = new_ids[kind.parent[1]].get(_old_id(value, kind.name, number, field.name))
            if value is not None and linked is None:
                raise ImportRefused(
                    _row_error(kind.name, number, _("it refers to an entry not in the file"))
                )
            setattr(obj, field.attname, linked)
        elif _is_library(field):
            if value is not None and not isinstance(value, str):
                raise ImportRefused(
                    _row_error(kind.name, number, _("“%s” is not readable") % value, field.name)
                )
            pk = library[field.related_model].get(value)
            if value is not None and pk is None:
                raise ImportRefused(
                    _row_error(kind.name, number, _("“%s” is not in our library") % value)
                )
            setattr(obj, field.attname, pk)
        else:
            setattr(obj, field.attname, _to_python(field, value, kind.name, number))
    if kind.model is ReminderDelivery and obj.status in ("pending", "sending"):
        # Never send an old reminder again: one in flight at export time is kept as history.
        obj.status = ReminderDelivery.Status.SKIPPED
        obj.detail = _("Imported from an export while it was waiting to be sent.")
    try:
        obj.clean_fields(exclude=[f.name for f in kind.model._meta.fields if f.is_relation])
    except ValidationError as exc:
        raise ImportRefused(_row_error(kind.name, number, exc)) from None
    return obj


def _old_id(value, kind_name, number, field_name):
    """A row's id in the export, or a link to one: a whole number (or nothing)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ImportRefused(
        _row_error(kind_name, number, _("“%s” is not readable") % value, field_name)
    )


def _to_python(field, value, kind_name, number):
    try:
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if timezone.is_naive(parsed):
                raise ValidationError(_("a time without its time zone"))
            return parsed
        return field.to_python(value)
    except (ValidationError, ValueError, TypeError) as exc:
        detail = exc if isinstance(exc, ValidationError) else _("“%s” is not readable") % value
        raise ImportRefused(_row_error(kind_name, number, detail, field.name)) from None


def _row_error(kind_name, number, detail, field_name=None) -> str:
    if isinstance(detail, ValidationError):
        detail = (
            "; ".join(
                f"{name}: {' '.join(msgs)}" if name != "__all__" else " ".join(msgs)
                for name, msgs in detail.message_dict.items()
            )
            if hasattr(detail, "error_dict")
            else " ".join(detail.messages)
        )
    where = f"{field_name}: " if field_name else ""
    return _("Nothing was imported: entry %(number)s of “%(kind)s” is not valid (%(detail)s).") % {
        "number": number,
        "kind": kind_name,
        "detail": f"{where}{detail}",
    }


def _stamped_fields(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def _timestamps(model, objects) -> list[dict]:
    return [{name: getattr(obj, name) for name in _stamped_fields(model)} for obj in objects]


def _keep_timestamps(model, created, stamps) -> None:
    """`bulk_create` stamps `auto_now` fields with now: put the exported times back."""
    names = _stamped_fields(model)
    restore = []
    for obj, values in zip(created, stamps, strict=True):
        given = {name: value for name, value in values.items() if value is not None}
        if given:
            for name, value in given.items():
                setattr(obj, name, value)
            restore.append(obj)
    if names and restore:
        model.objects.bulk_update(restore, names, batch_size=BATCH)


def _restore_settings(user, imported) -> None:
    """One settings row per kind exists already: the imported values replace it."""
    editable = ("enabled", "lead_minutes", "by_email", "in_app")
    existing = {s.kind: s for s in ReminderSchedule.objects.filter(user=user)}
    for row in imported:
        current = existing.get(row.kind)
        if current is None:
            row.save()
            continue
        for name in editable:
            setattr(current, name, getattr(row, name))
        current.save(update_fields=editable)


# Delete ------------------------------------------------------------------------------------


def check_delete_password(user, password) -> None:
    """Deleting an account is confirmed with its password, here for the web form and the API.

    Raises ValidationError (code "wrong_password") when `password` is not the user's own.
    """
    if not isinstance(password, str) or not user.check_password(password):
        raise ValidationError(
            _("That is not your password. Nothing was deleted."), code="wrong_password"
        )


@transaction.atomic
def delete_account(user) -> None:
    """Every row of the user, at once. Deliveries cascade with the user, so a send task already
    queued for one finds no row to claim and sends nothing.

    The user's other sessions (other browsers) are signed out without reading anyone's sessions:
    a session is signed in only while its user row exists and its password hash matches
    (`django.contrib.auth.get_user`), so once the row is gone none of them is, and an id used
    again later would not match. They hold none of the user's entries; they expire on their own and
    `manage.py clearsessions` removes them. The caller logs out the session it runs in."""
    Token.objects.filter(user=user).delete()
    AccessAttempt.objects.filter(username=user.get_username()).delete()
    AccessLog.objects.filter(username=user.get_username()).delete()
    user.delete()
