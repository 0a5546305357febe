"""The demo stakeholder map: every member gets fictitious agencies and people, the same every time."""

from collections import Counter

import phonenumbers
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from bphub.directory.models import Agency, Email, FocalPoint, Freshness, Phone, Revision, RoleKind
from bphub.directory.selectors import DirectoryFilter, focal_point_search
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        "agencies": Agency.all_objects.count(),
        "focal_points": FocalPoint.all_objects.count(),
        "emails": Email.objects.count(),
        "phones": Phone.objects.count(),
        "revisions": Revision.objects.count(),
        "names": sorted(FocalPoint.all_objects.values_list("full_name", flat=True)),
    }


def test_demo_directory_covers_every_member_and_loads_the_same_twice(reference, settings, make_user):
    settings.DEMO_MODE = True

    call_command("load_demo")
    first = _counts()
    call_command("load_demo")

    assert _counts() == first
    # Every member has agencies and people, all of them marked as demo content with a history.
    for member in Member.objects.all():
        agencies = Agency.objects.filter(member=member).count()
        people = FocalPoint.objects.filter(member=member).count()
        assert 3 <= agencies <= 8, (member.code, agencies)
        assert 5 <= people <= 12, (member.code, people)
    assert not Agency.all_objects.filter(is_demo=False).exists()
    assert not FocalPoint.all_objects.filter(is_demo=False).exists()
    assert first["revisions"] == first["agencies"] + first["focal_points"]
    # Fictitious contact details: .example domains and numbers valid in the country's plan.
    assert all(address.endswith(".example") for address in Email.objects.values_list("address", flat=True))
    assert all(domain.endswith(".example") for domain in Agency.objects.values_list("email_domains", flat=True))
    assert not Agency.objects.exclude(website="").exists()
    for number in Phone.objects.values_list("number", flat=True):
        assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number
    # Most members have a national focal point and a SOM delegate; seats on working groups are filled.
    national = FocalPoint.objects.filter(roles__kind=RoleKind.NATIONAL).values("member").distinct().count()
    assert national == Member.objects.count()
    assert FocalPoint.objects.filter(roles__kind=RoleKind.SOM_DELEGATE).values("member").distinct().count() > 40
    assert FocalPoint.objects.filter(roles__kind=RoleKind.WORKING_GROUP, roles__body__code="TIPWG").exists()
    # Every freshness state shows, plus never-confirmed records and bounced addresses.
    states = Counter(person.freshness for person in FocalPoint.objects.all())
    assert set(states) == set(Freshness.values)
    assert states[Freshness.UP_TO_DATE] > sum(states.values()) / 2
    assert FocalPoint.objects.filter(last_confirmed_at__isnull=True).exists()
    assert Email.objects.exclude(bounced_at=None).exists()
    # Duplicates waiting for a merge, and names findable in their own script.
    pair = ["Nguyễn Thị Hồng", "Nguyen Thi Hong"]
    assert FocalPoint.objects.filter(member__code="VN", full_name__in=pair).count() == 2
    assert FocalPoint.objects.filter(member__code="TH", full_name="Somchai Jaidee").count() == 2
    rso = make_user("rso_staff")
    assert focal_point_search(rso, DirectoryFilter(q="สมชาย", member="TH")).exists()
    assert focal_point_search(rso, DirectoryFilter(q="nguyen hong", member="VN")).count() == 2


def test_demo_directory_is_refused_outside_demo_mode(reference, settings):
    from bphub.demo.directory import demo_directory_ensure

    settings.DEMO_MODE = False

    with pytest.raises(ImproperlyConfigured):
        demo_directory_ensure()
    assert not FocalPoint.all_objects.exists()
