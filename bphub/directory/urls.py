from bphub.directory.views import agencies, confirm, exports, imports, lists, maps, people, proposals

app_name = "directory"

urlpatterns = [
    *people.urlpatterns,
    *agencies.urlpatterns,
    *imports.urlpatterns,
    *confirm.urlpatterns,
    *proposals.urlpatterns,
    *maps.urlpatterns,
    *lists.urlpatterns,
    *exports.urlpatterns,
]
