"""Reminders: one schedule per user and kind, one delivery row per occurrence, in-app notifications.

The database is the source of truth. The dispatcher claims schedules whose stored `next_due_at`
has passed, writes one `ReminderDelivery` per occurrence (unique, so an occurrence is never sent
twice), advances `next_due_at`, and queues the send tasks after commit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cramps.validators import Between

from .base import UserOwnedQuerySet

LEAD_MIN, LEAD_MAX = 5, 180


class ReminderKind(models.TextChoices):
    BEDTIME = "bedtime", _("Bedtime stretch")
    PRE_EXERCISE = "pre_exercise", _("Before exercise")


class ReminderSchedule(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_schedules"
    )
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    enabled = models.BooleanField(default=True)
    lead_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[Between(LEAD_MIN, LEAD_MAX, _(" minutes"))]
    )
    by_email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)
    # The next occurrence's send time, in UTC; null when nothing is scheduled.
    next_due_at = models.DateTimeField(null=True, blank=True)
    # What the next due time belongs to: the local date (bedtime) or the session (pre-exercise).
    next_occurrence = models.CharField(max_length=80, blank=True)

    objects = UserOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_schedule_per_kind")
        ]
        indexes = [
            # The dispatcher's query: enabled schedules with next_due_at <= now, oldest first.
            models.Index(
                fields=["next_due_at"],
                name="schedule_due",
                condition=Q(enabled=True, next_due_at__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder for {self.user}"

    def clean(self):
        if self.enabled and not (self.in_app or self.by_email):
            raise ValidationError(
                {"in_app": _("Choose in the app, by email or both, or turn this reminder off.")},
                code="no_channel",
            )


class ReminderDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    occurrence = models.CharField(max_length=80)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    detail = models.TextField(blank=True, help_text="Why it was skipped or failed.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # When a send task was last queued for it. A pending delivery that was never queued (the
    # broker was down), or whose message was lost, is queued again by the dispatcher.
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set once the email went out: a retried send never emails the same occurrence twice.
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # When a send last claimed it (pending -> sending). A row still `sending` long after belongs
    # to a worker that died mid-send: the dispatcher fails it visibly, and never sends it again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set just before its email is handed to the mail server, under the claim. A send that died
    # before this moment provably sent nothing and is retried; one that died after it may have
    # arrived and is never sent again.
    handing_to_mail_server_at = models.DateTimeField(null=True, blank=True)

    objects = UserOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name_plural = "reminder deliveries"
        indexes = [
            # The dispatcher's sweep: pending deliveries that are due (new, snoozed, or whose send
            # message was lost). Only pending rows are indexed, so it stays small as history grows.
            models.Index(
                fields=["due_at"], name="delivery_pending_due", condition=Q(status="pending")
            ),
            # The dispatcher's sweep of interrupted sends: rows `sending` claimed long ago. Only
            # rows being sent are indexed: a handful at any time.
            models.Index(
                fields=["claimed_at"], name="delivery_sending", condition=Q(status="sending")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "occurrence"], name="one_delivery_per_occurrence"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurrence}: {self.status}"


class NotificationQuerySet(UserOwnedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    delivery = models.OneToOneField(
        ReminderDelivery, on_delete=models.SET_NULL, null=True, blank=True
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's unread count on every page.
            models.Index(
                fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)
            )
        ]

    def __str__(self):
        return self.title
