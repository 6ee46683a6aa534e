"""Answers from a user's own log: pure functions over what they logged, no requests."""
