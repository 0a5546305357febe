from django.contrib import admin

from bphub.core.admin import ReadOnlyAdmin
from bphub.directory.models import Agency


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "member", "acronym", "is_active"]
    list_filter = ["member"]
