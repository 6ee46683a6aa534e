from .accounts import RoutineSlot, User
from .experiments import Experiment
from .library import EvidenceLevel, FoodItem, PreventionTip, RedFlag, ReliefTechnique, TipEvidence
from .logs import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    HydrationEntry,
    IntakeEntry,
    StretchEntry,
    TechniqueTrial,
)
from .reminders import Notification, ReminderDelivery, ReminderSchedule

__all__ = [
    "CheckIn",
    "CrampEpisode",
    "EvidenceLevel",
    "Experiment",
    "ExerciseSession",
    "FoodItem",
    "HydrationEntry",
    "IntakeEntry",
    "Notification",
    "PreventionTip",
    "RedFlag",
    "ReliefTechnique",
    "ReminderDelivery",
    "ReminderSchedule",
    "RoutineSlot",
    "StretchEntry",
    "TechniqueTrial",
    "TipEvidence",
    "User",
]
