"""Calendar feeds and calendar pages, under /calendar/ (see bphub.meetings.views.calendars)."""

from django.urls import path

from bphub.meetings.views import calendars

app_name = "calendar"

urlpatterns = [
    path("", calendars.calendar_month, name="calendar_month"),
    path("list/", calendars.calendar_list, name="calendar_list"),
    path("feeds/", calendars.feeds, name="feeds"),
    path("feeds/new/", calendars.feed_token_create, name="feed_token_create"),
    path("feeds/stop/", calendars.feed_token_revoke, name="feed_token_revoke"),
    path("public.ics", calendars.public_feed, name="public_feed"),
    path("u/<str:token>.ics", calendars.personal_feed, name="personal_feed"),
    path("groups/<str:code>.ics", calendars.group_feed, name="group_feed"),
]
