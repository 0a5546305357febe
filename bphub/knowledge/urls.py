from django.urls import path

from bphub.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("new/", views.resource_create_view, name="resource_create"),
    path("<id:resource_id>/", views.resource_detail, name="resource_detail"),
]
