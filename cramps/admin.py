"""The admin: every write that moves reminders goes through the same save path as the web and
the API (`cramps.reminders.schedule`), so a time zone, bedtime, routine slot, session or reminder
setting changed here moves the user's next due times at once. Rules are the models' (`clean()`,
field limits, constraints), which the admin's forms run."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import URLField
from modeltranslation.admin import TranslationAdmin

from cramps import models
from cramps.reminders import schedule


class RoutineSlotInline(admin.TabularInline):
    model = models.RoutineSlot
    extra = 0


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoutineSlotInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Profile",
            {"fields": models.User.PROFILE_FIELDS},
        ),
    )

    def save_related(self, request, form, formsets, change):
        # After the user row and the routine inline are both saved: one refresh sees both.
        super().save_related(request, form, formsets, change)
        schedule.refresh_schedules(form.instance)


class _LibraryAdmin(TranslationAdmin):
    """The library's text fields show once per language (name [en], name [zh-hans], ...).

    TranslationAdmin rather than the tabbed one: the tabs load jQuery UI from a CDN, which the
    content security policy and the no-CDN rule both refuse."""

    # Sources are https; say so rather than lean on Django 5's http default.
    formfield_overrides = {URLField: {"assume_scheme": "https"}}


@admin.register(models.ReliefTechnique)
class ReliefTechniqueAdmin(_LibraryAdmin):
    list_display = ["name", "point_code", "kind", "evidence", "in_cramp_guide", "display_order"]
    list_filter = ["kind", "evidence", "in_cramp_guide"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.PreventionTip)
class PreventionTipAdmin(_LibraryAdmin):
    list_display = ["title", "category", "evidence", "display_order"]
    list_filter = ["category", "evidence"]


@admin.register(models.RedFlag)
class RedFlagAdmin(_LibraryAdmin):
    list_display = ["title", "urgency", "display_order"]


@admin.register(models.FoodItem)
class FoodItemAdmin(_LibraryAdmin):
    list_display = ["name", "portion", "potassium_mg", "calcium_mg", "magnesium_mg", "sodium_mg"]
    list_filter = ["kind"]


class TechniqueTrialInline(admin.TabularInline):
    model = models.TechniqueTrial
    extra = 0


@admin.register(models.CrampEpisode)
class CrampEpisodeAdmin(admin.ModelAdmin):
    list_display = ["user", "started_at", "side", "muscle", "severity", "context"]
    list_filter = ["context", "muscle"]
    raw_id_fields = ["user"]
    inlines = [TechniqueTrialInline]


@admin.register(models.HydrationEntry)
class HydrationEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "at", "amount_ml", "drink"]
    raw_id_fields = ["user"]


@admin.register(models.IntakeEntry)
class IntakeEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "at", "food", "servings", "label"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # A food's mg are computed, never typed, as from the web and the API.
        if obj.food_id is not None:
            obj.fill_from_food()
        super().save_model(request, obj, form, change)


@admin.register(models.StretchEntry)
class StretchEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "at", "technique", "duration_minutes", "occasion"]
    raw_id_fields = ["user"]


@admin.register(models.ExerciseSession)
class ExerciseSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "activity", "status", "cold_weather"]
    list_filter = ["status"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        schedule.save_session(obj)
        if change and "user" in form.changed_data:
            # Moved to another user: the first one's reminders no longer have it.
            schedule.refresh_schedules(models.User.objects.get(pk=form.initial["user"]))

    def delete_model(self, request, obj):
        schedule.delete_session(obj)

    def delete_queryset(self, request, queryset):
        for session in queryset.select_related("user"):
            schedule.delete_session(session)


@admin.register(models.CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["user", "date"]
    raw_id_fields = ["user"]


@admin.register(models.ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "enabled", "next_due_at", "next_occurrence"]
    list_filter = ["kind", "enabled"]
    raw_id_fields = ["user"]
    # Computed from the settings on every save.
    readonly_fields = ["next_due_at", "next_occurrence"]

    def save_model(self, request, obj, form, change):
        schedule.save_settings([obj], obj.user)


@admin.register(models.ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "occurrence", "due_at", "status", "attempts"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["user"]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    raw_id_fields = ["user", "delivery"]


@admin.register(models.Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    """Read-mostly: a plan is fixed once saved (`Experiment.clean()`); support can read, stop
    or delete one, never rewrite it."""

    list_display = ("user", "habit", "start_date", "block_days", "pairs", "status")
    list_filter = ("status",)
    list_select_related = ("user", "habit")
    search_fields = ("user__username", "user__email")
    readonly_fields = (
        "user",
        "habit",
        "block_days",
        "pairs",
        "start_date",
        "seed",
        "status",
        "stopped_at",
        "created_at",
    )
    actions = ["stop_experiments"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Stop the selected running experiments")
    def stop_experiments(self, request, queryset):
        stopped = 0
        for experiment in queryset.filter(status=models.Experiment.Status.RUNNING):
            experiment.stop()
            stopped += 1
        self.message_user(request, f"{stopped} experiment(s) stopped.")
