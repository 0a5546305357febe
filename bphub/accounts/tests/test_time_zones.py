"""A person's time zone fits where they work: their member's when they join (the RSO's for the RSO),
and the preference offers their member's zones first, then every zone by region, searchable without
JavaScript and checked by the server."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from bphub.accounts.models import Invitation, Role, User
from bphub.members.models import Member
from bphub.outbox.models import OutboundEmail

PASSWORD = "correct horse battery staple"


@pytest.fixture
def indonesia(db):
    return Member.objects.create(
        code="ID", name={"en": "Indonesia"}, kind=Member.Kind.STATE, country="ID", time_zone="Asia/Jakarta"
    )


def zone_groups(response) -> list[tuple[str, list[str]]]:
    """The time-zone select as (group label, [option values]) in page order."""
    html = response.content.decode()
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S)
    assert select, "no time zone select on the page"
    groups = []
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select.group(0), re.S):
        groups.append((unescape(label), re.findall(r'<option value="([^"]*)"', body)))
    return groups


def invite_and_accept(client, **fields):
    """Invite through the form, open the emailed link and accept it: (the acceptance page, the person)."""
    client.post(reverse("accounts:invitation_create"), fields)
    link = re.search(r"/invitations/accept/\S+/", OutboundEmail.objects.latest("pk").body).group(0)
    page = Client().get(link)
    Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert Invitation.objects.get(email=fields["email"]).status == "accepted"
    return page, User.objects.get(email=fields["email"])


def test_an_invited_official_starts_in_their_members_zone(client, make_user, login, indonesia):
    # given RSO staff inviting an official of Indonesia (whose capital is on Jakarta time)
    login(make_user(Role.RSO_STAFF))

    # when the official accepts the invitation
    page, official = invite_and_accept(
        client, email="dewi@example.org", full_name="Dewi", role=Role.MEMBER_OFFICIAL, member=indonesia.pk
    )

    # then the acceptance page said so, and every time is shown to them on Jakarta time, not UTC
    assert "Asia/Jakarta" in page.content.decode()
    assert official.time_zone == "Asia/Jakarta"


def test_invited_rso_staff_start_on_the_rsos_time(client, make_user, login, db, settings):
    login(make_user(Role.RSO_ADMIN))

    _page, staff = invite_and_accept(client, email="somchai@example.org", full_name="Somchai", role=Role.RSO_STAFF)

    assert staff.time_zone == "Asia/Bangkok" == settings.RSO_TIME_ZONE


def test_the_preference_offers_the_members_zones_first_then_regions(client, make_user, login, indonesia):
    # given an official of Indonesia, a country of four zones
    login(make_user(Role.MEMBER_OFFICIAL, indonesia, time_zone="Asia/Jakarta"))

    # when they open their preferences
    groups = zone_groups(client.get(reverse("accounts:preferences")))

    # then Indonesia's zones come first, the capital's at the top, then every zone by region
    label, own = groups[0]
    assert label == "Zones of Indonesia"
    assert own[0] == "Asia/Jakarta"
    assert {"Asia/Makassar", "Asia/Jayapura", "Asia/Pontianak"} <= set(own)
    regions = [label for label, _options in groups[1:]]
    assert regions[:4] == ["Asia", "Pacific", "Australia", "Indian Ocean"]
    assert {"Europe", "Americas", "Africa"} <= set(regions)
    assert "Pacific/Fiji" in dict(groups)["Pacific"] and "Europe/Zurich" in dict(groups)["Europe"]
    # and the tz database's aliases are not offered: one name per zone
    everything = [value for _label, options in groups[1:] for value in options]
    assert len(everything) < 460 and "US/Pacific" not in everything and "Asia/Calcutta" not in everything


def test_rso_staff_are_offered_the_rsos_zone_first(client, make_user, login):
    login(make_user(Role.RSO_STAFF))

    groups = zone_groups(client.get(reverse("accounts:preferences")))

    assert groups[0] == ("The RSO's zone", ["Asia/Bangkok"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("makassar", {"Asia/Makassar"}),
        ("Indonesia", {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"}),
        ("port moresby", {"Pacific/Port_Moresby"}),
    ],
)
def test_finding_a_zone_narrows_the_list_without_javascript(client, make_user, login, db, query, expected):
    # given someone on UTC (their stored zone stays offered, whatever they look for)
    login(make_user(Role.RESEARCHER))

    # when they look for a city or a country with the plain search form
    page = client.get(reverse("accounts:preferences"), {"zone": query})

    # then only the matching zones are listed
    offered = {value for _label, options in zone_groups(page) for value in options}
    assert offered - {"UTC", "Asia/Bangkok"} == expected
    assert "UTC" in offered  # the current value is never dropped
    assert "shows the zones that match" in page.content.decode()


def test_a_search_that_finds_nothing_says_so_and_lists_every_zone(client, make_user, login, db):
    login(make_user(Role.RESEARCHER))

    page = client.get(reverse("accounts:preferences"), {"zone": "Atlantis"})

    assert "No time zone matches" in page.content.decode()
    assert len([value for _label, options in zone_groups(page) for value in options]) > 400


def test_a_zone_outside_the_filtered_list_is_saved_and_a_false_one_refused(client, make_user, login, db):
    user = make_user(Role.RESEARCHER)
    login(user)

    saved = client.post(reverse("accounts:preferences") + "?zone=makassar", {"time_zone": "Pacific/Fiji",
                                                                              "language": "en"})
    refused = client.post(reverse("accounts:preferences"), {"time_zone": "Asia/Atlantis", "language": "en"})

    assert saved.status_code == 302
    assert refused.status_code == 200 and "time_zone" in refused.context["form"].errors
    user.refresh_from_db()
    assert user.time_zone == "Pacific/Fiji"


def test_the_demo_accounts_work_in_their_members_zones(reference, settings, make_user):
    # given demo mode, and an RSO account left on the old UTC default by an earlier demo load
    settings.DEMO_MODE = True
    from bphub.demo.data import demo_accounts_ensure

    make_user(Role.RSO_STAFF, email="rso.staff@demo.bphub.example")

    # when the demo accounts are made (make run does this at every start)
    zones = {user.email.split("@")[0]: user.time_zone for user in demo_accounts_ensure()}

    # then nobody in Bangkok or Jakarta is on UTC
    assert zones == {
        "rso.admin": "Asia/Bangkok",
        "rso.staff": "Asia/Bangkok",
        "coordinator.th": "Asia/Bangkok",
        "official.id": "Asia/Jakarta",
        "cochair.au": "Australia/Sydney",
        "researcher": "Asia/Bangkok",
        "alumnus.ph": "Asia/Manila",
    }


def test_people_left_on_the_old_utc_default_move_to_their_zone(make_user, indonesia):
    # given accounts made before, on the UTC default, and one who chose another zone
    official = make_user(Role.MEMBER_OFFICIAL, indonesia)
    staff = make_user(Role.RSO_STAFF)
    traveller = make_user(Role.MEMBER_OFFICIAL, indonesia, time_zone="Europe/Paris")

    # when the data migration runs
    from importlib import import_module

    from django.apps import apps

    import_module("bphub.accounts.migrations.0002_time_zone_from_member").move_off_utc(apps, None)

    # then each is on their member's time, or the RSO's; a chosen zone is kept
    zones = dict(User.objects.values_list("pk", "time_zone"))
    assert zones[official.pk] == "Asia/Jakarta" and zones[staff.pk] == "Asia/Bangkok"
    assert zones[traveller.pk] == "Europe/Paris"
