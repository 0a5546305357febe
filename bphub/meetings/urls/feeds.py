"""Calendar feeds and calendar pages, under /calendar/ (see bphub.meetings.views.calendars)."""

from django.urls import path  # noqa: F401

app_name = "calendar"

urlpatterns = []
