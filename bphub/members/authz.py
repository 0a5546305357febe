from bphub.core.authz import RSO_ADMIN_ONLY, RoleRoute, register

register(
    RoleRoute("members:member_list", lambda ctx: "/members/"),
    RoleRoute("members:member_detail", lambda ctx: f"/members/{ctx['member'].code}/"),
    RoleRoute("members:body_list", lambda ctx: "/members/bodies/"),
    RoleRoute("members:body_detail", lambda ctx: f"/members/bodies/{ctx['body'].code}/?on=2023-01-01"),
    RoleRoute("members:member_edit", lambda ctx: f"/members/{ctx['member'].code}/edit/", allowed=RSO_ADMIN_ONLY),
    RoleRoute("members:body_edit", lambda ctx: f"/members/bodies/{ctx['body'].code}/edit/", allowed=RSO_ADMIN_ONLY),
    RoleRoute("members:theme_edit", lambda ctx: f"/members/themes/{ctx['theme'].code}/edit/", allowed=RSO_ADMIN_ONLY),
    RoleRoute("members:seat_add", lambda ctx: f"/members/bodies/{ctx['body'].code}/seats/add/", allowed=RSO_ADMIN_ONLY),
    RoleRoute(
        "members:seat_edit",
        lambda ctx: f"/members/bodies/{ctx['body'].code}/seats/{ctx['seat'].pk}/edit/",
        allowed=RSO_ADMIN_ONLY,
    ),
)
