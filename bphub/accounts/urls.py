from django.urls import path

from bphub.accounts import views

app_name = "accounts"
urlpatterns = [
    path("people/", views.people_list, name="people_list"),
    path("people/<id:user_id>/", views.person_detail, name="person_detail"),
    path("people/<id:user_id>/role/", views.person_role, name="person_role"),
    path("people/<id:user_id>/active/", views.person_active, name="person_active"),
    path("people/<id:user_id>/reset-mfa/", views.person_reset_mfa, name="person_reset_mfa"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<id:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("sessions/<id:session_id>/end/", views.session_end, name="session_end"),
    path("preferences/", views.preferences, name="preferences"),
]
