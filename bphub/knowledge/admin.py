from django.contrib import admin

from bphub.knowledge.models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "classification", "originator", "published_on"]
    list_filter = ["kind", "classification"]
    filter_horizontal = ["released_to", "themes"]
