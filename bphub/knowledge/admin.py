from django.contrib import admin

from bphub.core.admin import ReadOnlyAdmin
from bphub.knowledge.models import Resource


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "classification", "originator", "published_on"]
    list_filter = ["kind", "classification"]
    filter_horizontal = ["released_to", "themes"]
