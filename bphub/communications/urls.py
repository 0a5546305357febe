"""Announcements, notifications and preferences."""

from django.urls import path  # noqa: F401

app_name = "communications"

urlpatterns = []
