from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register


def make_resource(*, classification, originator, body, released_to, marker):
    from bphub.knowledge.models import Resource

    resource = Resource.objects.create(
        title={"en": f"Resource {marker}"},
        kind=Resource.Kind.REPORT,
        classification=classification,
        originator=originator,
        body=body,
    )
    resource.released_to.set(released_to)
    return resource


register(
    ClassifiedRoute("knowledge:resource_detail", make_resource, lambda record: f"/exchange/{record.pk}/"),
    ClassifiedListRoute("knowledge:resource_list", make_resource, lambda: "/exchange/"),
    RoleRoute(
        "knowledge:resource_create",
        lambda ctx: "/exchange/new/",
        allowed=frozenset({"rso_admin", "rso_staff", "member_coordinator", "wg_co_chair"}),
    ),
)
