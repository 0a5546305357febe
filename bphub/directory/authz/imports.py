"""Authorization-matrix registrations: the spreadsheet import (upload, preview, apply, discard, template).

The RSO and member coordinators may import; a coordinator only for their own member, so the
batch routes (a batch of member A) answer 404 to a coordinator of another member.
"""

from bphub.core.authz import RoleRoute, register

IMPORTERS = frozenset({"rso_admin", "rso_staff", "member_coordinator"})


def previewed_batch_path(suffix: str = ""):
    def path(ctx) -> str:
        from bphub.directory.services.imports import import_preview

        content = b"Full name,Email\nMatrix Person,matrix.person@example.org\n"
        batch = import_preview(member=ctx["member"], filename="matrix.csv", content=content)
        return f"/directory/import/{batch.pk}/{suffix}"

    return path


register(
    RoleRoute("directory:import_start", lambda ctx: "/directory/import/", allowed=IMPORTERS),
    RoleRoute("directory:import_template", lambda ctx: "/directory/import/template.xlsx", allowed=IMPORTERS),
    RoleRoute("directory:import_preview", previewed_batch_path(), allowed=IMPORTERS, own_member_only=True),
    RoleRoute(
        "directory:import_apply", previewed_batch_path("apply/"), method="POST", data={}, allowed=IMPORTERS,
        success_status=302, own_member_only=True,
    ),
    RoleRoute(
        "directory:import_discard", previewed_batch_path("discard/"), method="POST", data={}, allowed=IMPORTERS,
        success_status=302, own_member_only=True,
    ),
)
