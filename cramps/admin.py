from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cramps import models


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
            {
                "fields": (
                    "timezone",
                    "bedtime",
                    "wake_time",
                    "drinks_target_ml",
                    "potassium_target_mg",
                    "calcium_target_mg",
                    "magnesium_target_mg",
                    "sodium_target_mg",
                    "sex",
                    "pregnant",
                    "quiet_hours_start",
                    "quiet_hours_end",
                )
            },
        ),
    )


@admin.register(models.ReliefTechnique)
class ReliefTechniqueAdmin(admin.ModelAdmin):
    list_display = ["name", "point_code", "kind", "evidence", "in_cramp_guide", "display_order"]
    list_filter = ["kind", "evidence", "in_cramp_guide"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.PreventionTip)
class PreventionTipAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "evidence", "display_order"]
    list_filter = ["category", "evidence"]


@admin.register(models.RedFlag)
class RedFlagAdmin(admin.ModelAdmin):
    list_display = ["title", "urgency", "display_order"]


@admin.register(models.FoodItem)
class FoodItemAdmin(admin.ModelAdmin):
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


@admin.register(models.StretchEntry)
class StretchEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "at", "technique", "duration_minutes", "occasion"]
    raw_id_fields = ["user"]


@admin.register(models.ExerciseSession)
class ExerciseSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "activity", "status", "cold_weather"]
    list_filter = ["status"]
    raw_id_fields = ["user"]


@admin.register(models.CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["user", "date"]
    raw_id_fields = ["user"]


@admin.register(models.ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "enabled", "next_due_at", "next_occurrence"]
    list_filter = ["kind", "enabled"]
    raw_id_fields = ["user"]


@admin.register(models.ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "occurrence", "due_at", "status", "attempts"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["user"]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    raw_id_fields = ["user", "delivery"]
