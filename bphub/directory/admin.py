from django.contrib import admin

from bphub.directory.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "member", "acronym", "is_active"]
    list_filter = ["member"]
