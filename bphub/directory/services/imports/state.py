"""What the directory already holds for the importing member, loaded once per import."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from bphub.core import policy
from bphub.directory.models import Agency, Email, FocalPoint, FocalPointRole, Phone, directory_today
from bphub.directory.services.matching import PersonIndex, person_index_for_member
from bphub.directory.text import fold
from bphub.directory.validation import role_code


@dataclass
class DirectoryState:
    """A member's directory as the import needs it, loaded in a handful of queries."""

    member: object
    region: str
    agencies: dict[int, Agency]
    agency_by_label: dict[str, list[int]]  # folded acronym or English name -> agency pks
    bodies: dict
    themes: dict
    people: dict[int, dict]  # pk -> {fields..., "emails", "phones", "roles"}
    index: PersonIndex = field(default_factory=PersonIndex)
    # People of the member the importing person may not see or change (e.g. secretariat records):
    # still matched, so no duplicate is made, but never shown, changed or confirmed by the import.
    hidden: frozenset = frozenset()

    def agency_label(self, pk) -> str:
        agency = self.agencies.get(pk)
        return "" if agency is None else (agency.acronym or str(agency))


def load_directory_state(member, *, actor=None, index: bool = True) -> DirectoryState:
    """The member's agencies, people (with emails, phones and current roles), bodies and themes;
    with `index`, also the PersonIndex the matching needs.

    With an `actor` (the web import), agencies they may not see are left out and people they may
    not change are marked hidden; without one (an operator's command) everything counts.
    """
    from bphub.members.models import Body, Theme

    today = directory_today()
    agencies_qs = Agency.objects.filter(member=member)
    if actor is not None:
        agencies_qs = policy.visible_to(agencies_qs, actor)
    agencies = {a.pk: a for a in agencies_qs}
    by_label: dict[str, list[int]] = defaultdict(list)
    for agency in agencies.values():
        for label in {agency.acronym, *(agency.name or {}).values()}:
            if label and agency.pk not in by_label[fold(label)]:
                by_label[fold(label)].append(agency.pk)
    people = {
        row["pk"]: {**row, "emails": [], "phones": [], "roles": []}
        for row in FocalPoint.objects.filter(member=member).values(
            "pk", "full_name", "local_name", "title", "agency_id", "preferred_language", "time_zone"
        )
    }
    for pk, address in (
        Email.objects.filter(focal_point_id__in=people)
        .order_by("-is_primary", "id")
        .values_list("focal_point_id", "address")
    ):
        people[pk]["emails"].append(address)
    for pk, number in (
        Phone.objects.filter(focal_point_id__in=people)
        .order_by("-is_primary", "id")
        .values_list("focal_point_id", "number")
    ):
        people[pk]["phones"].append(number)
    for role in FocalPointRole.objects.filter(focal_point_id__in=people).values(
        "focal_point_id", "kind", "body__code", "theme__code", "valid_from", "valid_to"
    ):
        if (role["valid_from"] is None or role["valid_from"] <= today) and (
            role["valid_to"] is None or role["valid_to"] >= today
        ):
            label = role_code(role["kind"], role["body__code"], role["theme__code"])
            if label not in people[role["focal_point_id"]]["roles"]:
                people[role["focal_point_id"]]["roles"].append(label)
    people_index = (
        person_index_for_member(member, people=[(pk, p["full_name"], p["local_name"]) for pk, p in people.items()])
        if index
        else PersonIndex()
    )
    hidden: frozenset = frozenset()
    if actor is not None:  # a coordinator changes what they see of their own member; the RSO all
        visible = policy.visible_to(FocalPoint.objects.filter(member=member), actor).values_list("pk", flat=True)
        hidden = frozenset(set(people) - set(visible))
    return DirectoryState(
        hidden=hidden,
        member=member,
        region=member.country.code if member.country else "",
        agencies=agencies,
        agency_by_label=dict(by_label),
        bodies={b.code.upper(): b for b in Body.objects.all()},
        themes={t.code.lower(): t for t in Theme.objects.all()},
        people=people,
        index=people_index,
    )


def directory_fingerprint(member) -> str:
    """Changes whenever anything the matching reads of `member`'s directory changes (every write
    through the record services touches `updated_at` or adds a row), or the day does (roles end)."""
    from django.db.models import Count, Max

    people = FocalPoint.all_objects.filter(member=member)
    parts = [
        directory_today().isoformat(),
        people.aggregate(n=Count("pk"), at=Max("updated_at"), merged=Count("merged_into")),
        Agency.all_objects.filter(member=member).aggregate(n=Count("pk"), at=Max("updated_at")),
    ]
    for model in (Email, Phone, FocalPointRole):
        parts.append(model.objects.filter(focal_point__member=member).aggregate(n=Count("pk"), last=Max("pk")))
    return hashlib.sha256(repr(parts).encode()).hexdigest()
