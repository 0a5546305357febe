from django.contrib import admin

from bphub.core.admin import ReadOnlyAdmin
from bphub.members.models import Body, BodyMembership, Member, SubRegion, Theme

# Read-only here: corrections go through the app, which audits them and keeps them across reloads.


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["code", "__str__", "kind", "standing", "sub_region", "is_confirmed"]
    list_filter = ["kind", "standing", "sub_region", "is_confirmed"]
    search_fields = ["code"]


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["code", "__str__", "kind", "established", "is_confidential"]


@admin.register(BodyMembership)
class BodyMembershipAdmin(ReadOnlyAdmin):
    list_display = ["body", "member", "role", "valid_from", "valid_to", "is_confirmed"]
    list_filter = ["body", "role"]


admin.site.register(SubRegion, ReadOnlyAdmin)
admin.site.register(Theme, ReadOnlyAdmin)
