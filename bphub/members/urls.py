from django.urls import path

from bphub.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/<str:code>/", views.body_detail, name="body_detail"),
    path("bodies/<str:code>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<str:code>/seats/add/", views.seat_add, name="seat_add"),
    path("bodies/<str:code>/seats/<id:seat_id>/edit/", views.seat_edit, name="seat_edit"),
    path("themes/<slug:code>/edit/", views.theme_edit, name="theme_edit"),
    path("<str:code>/", views.member_detail, name="member_detail"),
    path("<str:code>/edit/", views.member_edit, name="member_edit"),
]
