from django.contrib import admin

from bphub.core.admin import ReadOnlyAdmin
from bphub.outbox.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
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
