from django.contrib import admin

from bphub.outbox.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by send_mail() and the worker, never by hand."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["message_id", "subject", "to"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    exclude = ["attachments"]

    @admin.display(description="to")
    def recipients(self, email: OutboundEmail) -> str:
        return ", ".join(email.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
