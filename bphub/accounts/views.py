from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bphub.accounts import permissions, services
from bphub.accounts.forms import AcceptInvitationForm, InvitationForm, PreferencesForm, RoleForm
from bphub.core import policy
from bphub.core.timezones import home_zone_name


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@login_required
def people_list(request):
    if not policy.may(request.user, policy.Capability.INVITE_USERS):
        raise Http404
    people = permissions.people_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        people = people.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    invitations = permissions.pending_invitations_visible_to(request.user)
    return render(request, "accounts/people_list.html", {"people": people[:500], "invitations": invitations, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request):
    if not policy.may(request.user, policy.Capability.INVITE_USERS):
        raise Http404
    roles = permissions.roles_assignable_by(request.user)
    locked = permissions.member_locked_for(request.user)
    form = InvitationForm(request.POST or None, roles=roles, user=request.user, member_locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:people_list")
    return render(request, "accounts/invitation_form.html", {"form": form})


@require_POST
@login_required
def invitation_revoke(request, invitation_id: int):
    invitation = permissions.get_invitation_for_revoke(request.user, invitation_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation, request=request)
        messages.success(request, _("Invitation withdrawn."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("accounts:people_list")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("home")
    try:
        invitation = services.invitation_for_token(token)
    except ValidationError as error:
        return render(request, "accounts/invitation_invalid.html", {"reason": error.messages[0]}, status=410)
    if request.method == "GET":
        from bphub.directory import person_record

        person_record.sign_of_life(invitation.email)  # opening it is a sign of life, not a confirmation
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["password1"], request=request)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _add_errors(form, error)  # e.g. the address got an account meanwhile
            else:
                form.add_error("password1", error)  # the password rules
        else:
            messages.success(request, _("Your account is ready. Sign in, then set up your authenticator app."))
            return redirect("account_login")
    context = {"form": form, "invitation": invitation, "time_zone": home_zone_name(invitation.member)}
    return render(request, "accounts/invitation_accept.html", context)


@login_required
def person_detail(request, user_id: int):
    person = permissions.get_person_or_404(request.user, user_id)
    can_manage = permissions.can_manage_user(request.user, person) and person.pk != request.user.pk
    form = RoleForm(
        initial={"role": person.role, "member": person.member, "agency": person.agency,
                 "chaired_bodies": person.chaired_bodies.all()},
        roles=permissions.roles_assignable_by(request.user), user=request.user, person=person,
    )
    can_end_sessions = policy.may(request.user, policy.Capability.END_ANY_SESSION) or person.pk == request.user.pk
    sessions = []
    if can_end_sessions:
        # purge_and_list drops the rows of sessions that ended elsewhere (sign-out, expiry).
        sessions = sorted(UserSession.objects.purge_and_list(person), key=lambda s: s.last_seen_at, reverse=True)
    return render(request, "accounts/person_detail.html", {
        "person": person, "can_manage": can_manage, "form": form, "sessions": sessions,
        "can_end_sessions": can_end_sessions,
        "can_reset_mfa": policy.may(request.user, policy.Capability.MANAGE_ALL_USERS) and person.pk != request.user.pk,
    })


@require_POST
@login_required
def person_role(request, user_id: int):
    person = permissions.get_person_for_management(request.user, user_id)
    form = RoleForm(request.POST, roles=permissions.roles_assignable_by(request.user), user=request.user, person=person)
    if not form.is_valid():
        messages.error(request, _("Check the role form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("accounts:person_detail", user_id=person.pk)
    try:
        services.user_change_role(actor=request.user, user=person, request=request, **form.cleaned_data)
        messages.success(request, _("Role changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:person_detail", user_id=person.pk)


@require_POST
@login_required
def person_active(request, user_id: int):
    person = permissions.get_person_for_management(request.user, user_id)
    try:
        if request.POST.get("active") == "0":
            services.user_deactivate(actor=request.user, user=person, request=request)
            messages.success(request, _("%(name)s is deactivated; their sessions have ended.") % {"name": person})
        else:
            services.user_reactivate(actor=request.user, user=person, request=request)
            messages.success(request, _("%(name)s is active again.") % {"name": person})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:person_detail", user_id=person.pk)


@require_POST
@login_required
def person_reset_mfa(request, user_id: int):
    if not policy.may(request.user, policy.Capability.MANAGE_ALL_USERS):
        raise Http404
    person = permissions.get_person_for_management(request.user, user_id)
    try:
        services.user_reset_mfa(actor=request.user, user=person, request=request)
        messages.success(request, _("Two-factor authentication reset; they will enrol again at their next sign-in."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:person_detail", user_id=person.pk)


@require_POST
@login_required
def session_end(request, session_id: int):
    if policy.may(request.user, policy.Capability.END_ANY_SESSION):
        session = get_object_or_404(UserSession, pk=session_id)
    else:
        session = get_object_or_404(UserSession, pk=session_id, user=request.user)
    owner_id = session.user_id
    try:
        services.user_session_end(actor=request.user, session=session, request=request)
        messages.success(request, _("Session ended."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if owner_id == request.user.pk:
        return redirect("usersessions_list")
    return redirect("accounts:person_detail", user_id=owner_id)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    zone_query = request.GET.get("zone", "").strip()[:100]
    form = PreferencesForm(request.POST or None, instance=request.user, zone_query=zone_query)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=request.user, **form.cleaned_data)
        translation.activate(request.user.language)
        messages.success(request, _("Preferences saved."))
        response = redirect("accounts:preferences")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE, httponly=False)
        return response
    return render(request, "accounts/preferences.html", {"form": form, "zone_query": zone_query})

