"""Authorization-matrix registrations: focal-point and agency pages (search, detail, edit, history, merge)."""

from bphub.core.authz import ClassifiedListRoute, register


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
