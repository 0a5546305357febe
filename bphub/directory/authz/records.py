"""Authorization-matrix registrations: focal-point and agency pages (search, detail, edit, history, merge)."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register


def make_focal_point(*, classification, originator, body, released_to, marker):
    """A focal point of member A at `classification`, its name carrying `marker`."""
    from bphub.directory.models import Email, FocalPoint
    from bphub.directory.text import search_text_for

    person = FocalPoint.objects.create(
        member=originator,
        originator=originator,
        full_name=f"Person {marker}",
        classification=classification,
        body=body,
        search_text=search_text_for(f"Person {marker}"),
    )
    person.released_to.set(released_to)
    Email.objects.create(focal_point=person, address=f"{marker}@contact.example", is_primary=True)
    return person


def make_agency(*, classification, originator, body, released_to, marker):
    from bphub.directory.models import Agency
    from bphub.directory.text import search_text_for

    agency = Agency.objects.create(
        member=originator,
        originator=originator,
        name={"en": f"Agency {marker}"},
        classification=classification,
        body=body,
        search_text=search_text_for(f"Agency {marker}"),
    )
    agency.released_to.set(released_to)
    return agency


register(
    ClassifiedListRoute("directory:person_list", make_focal_point, lambda: "/directory/", login_required=True),
)


# -- the record pages ---------------------------------------------------------------------------

MANAGERS = frozenset({"rso_admin", "rso_staff", "member_coordinator"})


def make_focal_point_with_history(**kwargs):
    """A focal point (see make_focal_point) with its first revision, so history pages have one."""
    from bphub.directory.models import Revision
    from bphub.directory.services.records import revision_record

    person = make_focal_point(**kwargs)
    revision_record(person, source=Revision.Source.CREATED)
    return person


def make_focal_point_pair(**kwargs):
    """A focal point plus a twin of the same member and classification (`twin_pk`) to merge with."""
    person = make_focal_point(**kwargs)
    twin = make_focal_point(**{**kwargs, "marker": f"{kwargs['marker']}-twin"})
    person.twin_pk = twin.pk
    return person


def make_agency_with_history(**kwargs):
    from bphub.directory.models import Revision
    from bphub.directory.services.records import revision_record

    agency = make_agency(**kwargs)
    revision_record(agency, source=Revision.Source.CREATED)
    return agency


def make_agency_pair(**kwargs):
    agency = make_agency(**kwargs)
    twin = make_agency(**{**kwargs, "marker": f"{kwargs['marker']}-twin"})
    agency.twin_pk = twin.pk
    return agency


def _person(suffix=""):
    return lambda record: f"/directory/people/{record.pk}/{suffix}"


def _agency(suffix=""):
    return lambda record: f"/directory/agencies/{record.pk}/{suffix}"


register(
    RoleRoute("directory:person_create", lambda ctx: "/directory/people/new/", allowed=MANAGERS),
    ClassifiedRoute("directory:person_detail", make_focal_point, _person(), login_required=True),
    ClassifiedRoute(
        "directory:person_history", make_focal_point_with_history, _person("history/"), login_required=True
    ),
    ClassifiedRoute(
        "directory:person_revision", make_focal_point_with_history, _person("history/1/"), login_required=True
    ),
    ClassifiedRoute("directory:person_edit", make_focal_point, _person("edit/"), login_required=True, action="change"),
    ClassifiedRoute(
        "directory:person_restore",
        make_focal_point_with_history,
        _person("history/1/restore/"),
        method="POST",
        data={},
        success_status=302,
        login_required=True,
        action="change",
    ),
    # Merging needs both records changeable by the user; the POST (the merge itself) is checked here,
    # the review page (GET) shares its access gate and is covered in test_merge_pages.py.
    ClassifiedRoute(
        "directory:person_merge",
        make_focal_point_pair,
        lambda record: f"/directory/people/{record.pk}/merge/?other={record.twin_pk}",
        method="POST",
        data={"keep": "this"},
        success_status=302,
        login_required=True,
        action="change",
    ),
    ClassifiedListRoute("directory:agency_list", make_agency, lambda: "/directory/agencies/", login_required=True),
    RoleRoute("directory:agency_create", lambda ctx: "/directory/agencies/new/", allowed=MANAGERS),
    ClassifiedRoute("directory:agency_detail", make_agency, _agency(), login_required=True),
    ClassifiedRoute("directory:agency_history", make_agency_with_history, _agency("history/"), login_required=True),
    ClassifiedRoute("directory:agency_revision", make_agency_with_history, _agency("history/1/"), login_required=True),
    ClassifiedRoute("directory:agency_edit", make_agency, _agency("edit/"), login_required=True, action="change"),
    ClassifiedRoute(
        "directory:agency_restore",
        make_agency_with_history,
        _agency("history/1/restore/"),
        method="POST",
        data={},
        success_status=302,
        login_required=True,
        action="change",
    ),
    ClassifiedRoute(
        "directory:agency_merge",
        make_agency_pair,
        lambda record: f"/directory/agencies/{record.pk}/merge/?other={record.twin_pk}",
        method="POST",
        data={"keep": "this"},
        success_status=302,
        login_required=True,
        action="change",
    ),
)
