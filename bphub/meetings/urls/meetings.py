"""Meeting pages, their agenda, series and the Consultation Mechanism (views in views/meetings.py,
views/agenda.py and views/consultation.py)."""

from django.urls import path

from bphub.meetings.views import agenda, consultation, meetings

urlpatterns = [
    path("", meetings.meeting_list, name="meeting_list"),
    path("new/", meetings.meeting_create_view, name="meeting_create"),
    path("series/", meetings.series_list, name="series_list"),
    path("series/<slug:code>/", meetings.series_detail, name="series_detail"),
    path("consultations/convene/", consultation.consultation_convene_view, name="consultation_convene"),
    path("<id:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<id:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("<id:pk>/status/<slug:step>/", meetings.meeting_transition, name="meeting_transition"),
    path("<id:pk>/agenda/", agenda.agenda_edit, name="agenda_edit"),
    path("<id:pk>/agenda/sessions/new/", agenda.session_create, name="session_create"),
    path("<id:pk>/agenda/sessions/<id:session_pk>/edit/", agenda.session_edit, name="session_edit"),
    path("<id:pk>/agenda/sessions/<id:session_pk>/delete/", agenda.session_delete, name="session_delete"),
    path("<id:pk>/agenda/sessions/<id:session_pk>/items/new/", agenda.item_create, name="item_create"),
    path("<id:pk>/agenda/items/<id:item_pk>/edit/", agenda.item_edit, name="item_edit"),
    path("<id:pk>/agenda/items/<id:item_pk>/delete/", agenda.item_delete, name="item_delete"),
    path("<id:pk>/agenda/items/<id:item_pk>/move/", agenda.item_move, name="item_move"),
]
