"""Routes of the participation part: invitations, delegations, participants, documents."""

from django.urls import path

from bphub.meetings.views import delegations, documents

urlpatterns = [
    path("<id:pk>/invite/", delegations.meeting_invite_view, name="meeting_invite"),
    path("<id:pk>/delegations/", delegations.delegation_list, name="delegation_list"),
    path("<id:pk>/delegations/<str:code>/", delegations.delegation_edit, name="delegation_edit"),
    path("<id:pk>/delegations/<str:code>/decide/", delegations.delegation_decide, name="delegation_decide"),
    path("<id:pk>/delegations/<str:code>/note-verbale/", delegations.note_verbale_download, name="note_verbale"),
    path("<id:pk>/participants/", delegations.participants, name="participants"),
    path("<id:pk>/participants/attendance/", delegations.attendance_record_view, name="attendance_record"),
    path("<id:pk>/documents/new/", documents.document_upload_view, name="document_upload"),
    path("documents/", documents.document_search_view, name="document_search"),
    path("documents/<id:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<id:pk>/download/", documents.document_download, name="document_download"),
    path("documents/<id:pk>/versions/new/", documents.document_new_version, name="document_new_version"),
]
