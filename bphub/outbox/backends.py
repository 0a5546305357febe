from django.core.mail.backends.base import BaseEmailBackend

from bphub.outbox.services import outbox_queue_message


class OutboxEmailBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND: every send_mail() (ours and allauth's) lands in the outbox."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            outbox_queue_message(message)
            count += 1
        return count
