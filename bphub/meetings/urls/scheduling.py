"""The slot finder (views in views/scheduling.py)."""

from django.urls import path

from bphub.meetings.views import scheduling

urlpatterns = [
    path("<id:pk>/slots/", scheduling.slot_finder, name="slot_finder"),
    path("<id:pk>/slots/apply/", scheduling.slot_apply, name="slot_apply"),
]
