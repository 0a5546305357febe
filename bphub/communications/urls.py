"""Announcements, notifications and preferences (mounted at /news/)."""

from django.urls import path

from bphub.communications import views

app_name = "communications"

urlpatterns = [
    path("", views.announcement_list, name="announcement_list"),
    path("new/", views.announcement_create, name="announcement_create"),
    path("<id:pk>/", views.announcement_detail, name="announcement_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<id:pk>/read/", views.notification_read, name="notification_read"),
    path("preferences/", views.preferences, name="preferences"),
]
