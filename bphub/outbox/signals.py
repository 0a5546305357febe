"""What the outbox tells other apps, without importing them.

`delivery_given_up` is sent when the outbox gives up on a message (after its last attempt), with
`recipients` (every address it was for) and `error` (the last exception). The directory listens to
mark the addresses a receiving server refused for good as bounced.
"""

from django.dispatch import Signal

delivery_given_up = Signal()
