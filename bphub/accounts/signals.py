"""Hooks other apps listen to when something happens to an account.

Accounts is a lower app: it cannot call into meetings or the directory, so the few things that
must follow a change of account (a personal calendar feed stopped for good when its owner is
deactivated) listen here instead. Each signal is sent inside the service's transaction, so a
receiver's writes commit or roll back with the change itself.
"""

from django.dispatch import Signal

# Sent by `services.user_deactivate` with `user` (already saved inactive) and `actor`.
user_deactivated = Signal()
