from django.contrib import admin

from bphub.members.models import Body, BodyMembership, Member, SubRegion, Theme


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "kind", "standing", "sub_region", "is_confirmed"]
    list_filter = ["kind", "standing", "sub_region", "is_confirmed"]
    search_fields = ["code"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "kind", "established", "is_confidential"]


@admin.register(BodyMembership)
class BodyMembershipAdmin(admin.ModelAdmin):
    list_display = ["body", "member", "role", "valid_from", "valid_to", "is_confirmed"]
    list_filter = ["body", "role"]


admin.site.register(SubRegion)
admin.site.register(Theme)
