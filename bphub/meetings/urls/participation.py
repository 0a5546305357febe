"""Routes of the participation part: invitations, delegations, participants, documents."""

from django.urls import path

from bphub.meetings.views import delegations, documents

urlpatterns = [
    path("<int:pk>/invite/", delegations.meeting_invite_view, name="meeting_invite"),
    path("<int:pk>/delegations/", delegations.delegation_list, name="delegation_list"),
    path("<int:pk>/delegations/<str:code>/", delegations.delegation_edit, name="delegation_edit"),
    path("<int:pk>/delegations/<str:code>/decide/", delegations.delegation_decide, name="delegation_decide"),
    path("<int:pk>/delegations/<str:code>/note-verbale/", delegations.note_verbale_download, name="note_verbale"),
    path("<int:pk>/participants/", delegations.participants, name="participants"),
    path("<int:pk>/participants/attendance/", delegations.attendance_record_view, name="attendance_record"),
    path("<int:pk>/documents/new/", documents.document_upload_view, name="document_upload"),
    path("documents/", documents.document_search_view, name="document_search"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/versions/new/", documents.document_new_version, name="document_new_version"),
]
