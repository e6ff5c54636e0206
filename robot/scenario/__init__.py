"""Scenario files: loading them with clear errors and finding them by name."""
