"""Insights: pure functions over a user's log."""
