"""Audit events for what allauth does on its own (MFA enrolment, email changes, password)."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from bphub.core.audit import audit_record


def _authenticator_added(sender, request, user, authenticator, **kwargs):
    audit_record(verb="mfa.added", actor=user, request=request, type=authenticator.type)


def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit_record(verb="mfa.removed", actor=user, request=request, type=authenticator.type)


def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    audit_record(verb="mfa.recovery_codes_regenerated", actor=user, request=request, type=authenticator.type)


def _mfa_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    audit_record(verb="mfa.failed", actor=user, request=request, reauthentication=reauthentication)


def _password_changed(sender, request, user, **kwargs):
    audit_record(verb="auth.password_changed", actor=user, request=request)


def _password_reset(sender, request, user, **kwargs):
    audit_record(verb="auth.password_reset", actor=user, request=request)


def _email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit_record(verb="auth.email_changed", actor=user, request=request,
                 old=getattr(from_email_address, "email", None), new=to_email_address.email)


def connect() -> None:
    mfa_signals.authenticator_added.connect(_authenticator_added, dispatch_uid="bphub_mfa_added")
    mfa_signals.authenticator_removed.connect(_authenticator_removed, dispatch_uid="bphub_mfa_removed")
    mfa_signals.authenticator_reset.connect(_authenticator_reset, dispatch_uid="bphub_mfa_reset")
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid="bphub_mfa_failed")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="bphub_pw_changed")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="bphub_pw_reset")
    account_signals.email_changed.connect(_email_changed, dispatch_uid="bphub_email_changed")
