"""The meetings area's routes, one module per part (each with its views in views/<part>.py)."""

from bphub.meetings.urls import actions, meetings, participation, scheduling

app_name = "meetings"

urlpatterns = [
    *meetings.urlpatterns,
    *scheduling.urlpatterns,
    *participation.urlpatterns,
    *actions.urlpatterns,
]
