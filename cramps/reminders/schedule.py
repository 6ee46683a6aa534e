"""Keeping each user's stored next-due times true.

Contract (called by the profile, routine and exercise-session views and the API after they save):
`refresh_schedules(user)` recomputes `next_due_at` / `next_occurrence` of the user's reminder
schedules (creating them with defaults when missing) from the current settings and log, at once.
It touches only the database: it never talks to the broker.
"""


def refresh_schedules(user) -> None:
    # Filled in by the reminders work (issue 4).
    return None
