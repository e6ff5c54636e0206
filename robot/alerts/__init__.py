"""Alerts: notice a confirmed change of what customers see, and tell people over webhooks."""
