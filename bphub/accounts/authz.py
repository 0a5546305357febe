from bphub.core.authz import RSO_ADMIN_ONLY, SIGNED_IN_ROLES, RoleRoute, register

# People of member A (the acting member in the matrix) are managed by the RSO and A's coordinator.
MANAGERS = frozenset({"rso_admin", "rso_staff", "member_coordinator"})

register(
    RoleRoute("accounts:people_list", lambda ctx: "/people/", allowed=MANAGERS),
    RoleRoute("accounts:person_detail", lambda ctx: f"/people/{ctx['person'].pk}/", allowed=MANAGERS),
    RoleRoute("accounts:person_role", lambda ctx: f"/people/{ctx['person'].pk}/role/", method="POST",
              data=lambda ctx: {"role": "member_coordinator", "member": ctx["member"].pk}, allowed=MANAGERS,
              success_status=302),
    RoleRoute("accounts:person_active", lambda ctx: f"/people/{ctx['person'].pk}/active/", method="POST",
              data={"active": "0"}, allowed=MANAGERS, success_status=302),
    RoleRoute("accounts:person_reset_mfa", lambda ctx: f"/people/{ctx['person'].pk}/reset-mfa/", method="POST",
              allowed=RSO_ADMIN_ONLY, success_status=302),
    RoleRoute("accounts:invitation_create", lambda ctx: "/invitations/new/", allowed=MANAGERS),
    RoleRoute("accounts:invitation_revoke", lambda ctx: f"/invitations/{ctx['invitation'].pk}/revoke/", method="POST",
              allowed=MANAGERS, success_status=302),
    # A valid invitation link opens for a visitor; a signed-in person is sent home instead.
    RoleRoute("accounts:invitation_accept", lambda ctx: f"/invitations/accept/{ctx['invitation_token']}/",
              allowed=frozenset({"anonymous"}), denied_status=302),
    RoleRoute("accounts:session_end", lambda ctx: f"/sessions/{ctx['session'].pk}/end/", method="POST",
              allowed=RSO_ADMIN_ONLY, success_status=302),
    RoleRoute("accounts:preferences", lambda ctx: "/preferences/", allowed=SIGNED_IN_ROLES),
)
