from django.tasks import task

from bphub.outbox.services import outbox_deliver


@task(queue_name="mail")
def deliver_email(*, email_id: int) -> str:
    return outbox_deliver(email_id=email_id)
