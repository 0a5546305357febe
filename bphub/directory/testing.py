"""Helpers for directory tests and benchmarks: agencies and focal points made through the services."""

import itertools

from bphub.directory.models import Agency, AgencyKind, FocalPoint
from bphub.directory.services.records import agency_save, focal_point_save

_counter = itertools.count(1)


def make_agency(
    member,
    *,
    name: str | None = None,
    acronym: str = "",
    kind: str = AgencyKind.IMMIGRATION,
    themes=(),
    actor=None,
    **data,
) -> Agency:
    number = next(_counter)
    return agency_save(
        member=member,
        data={
            "name": {"en": name or f"Agency {number}"},
            "acronym": acronym,
            "kind": kind,
            "themes": list(themes),
            **data,
        },
        actor=actor,
    )


def make_focal_point(
    member,
    *,
    full_name: str | None = None,
    emails=(),
    phones=(),
    roles=(),
    agency=None,
    actor=None,
    confirmed_via: str = "",
    **data,
) -> FocalPoint:
    number = next(_counter)
    return focal_point_save(
        member=member,
        data={
            "full_name": full_name or f"Person {number}",
            "agency": agency,
            "emails": list(emails) or [f"person{number}@example.org"],
            "phones": list(phones),
            "roles": list(roles),
            **data,
        },
        actor=actor,
        confirmed_via=confirmed_via,
    )
