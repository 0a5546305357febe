"""The follow-up part's routes: outcomes, action items, working-group workspaces, pre-briefing packs."""

from django.urls import path

from bphub.meetings.views import actions, outcomes, prebriefing, workspaces

urlpatterns = [
    path("<id:pk>/outcomes/new/", outcomes.outcome_create, name="outcome_create"),
    path("outcomes/<id:pk>/edit/", outcomes.outcome_edit, name="outcome_edit"),
    path("<id:pk>/actions/new/", actions.action_create, name="action_create"),
    path("actions/", actions.action_list, name="action_list"),
    path("actions/<id:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<id:pk>/update/", actions.action_update, name="action_update"),
    path("groups/", workspaces.group_list, name="group_list"),
    path("groups/<str:code>/", workspaces.group_workspace, name="group_workspace"),
    path("groups/<str:code>/work-plan/", workspaces.workplan_edit, name="workplan_edit"),
    path("<id:pk>/pre-briefing/", prebriefing.prebriefing, name="prebriefing"),
    path("<id:pk>/pre-briefing.pdf", prebriefing.prebriefing_pdf, name="prebriefing_pdf"),
]
