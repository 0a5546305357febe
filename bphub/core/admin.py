from django.contrib import admin

from bphub.core.models import AuditEvent, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only the platform writes: listed and inspected, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only (the database refuses changes too)."""

    list_display = ["occurred_at", "actor_email", "verb", "target_type", "target_label", "ip_address"]
    list_filter = ["verb", "target_type"]
    search_fields = ["actor_email", "target_label", "verb"]
    date_hierarchy = "occurred_at"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen_at"]
