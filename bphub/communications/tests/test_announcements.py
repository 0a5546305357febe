"""Announcements through HTTP: who reads them, who is told, who may write them."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bphub.communications.models import Announcement, Notification
from bphub.core.models import AuditEvent, Classification

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience


def sees(client, announcement) -> bool:
    """Whether the signed-in (or anonymous) client finds the announcement in the list and its page."""
    listed = announcement.title["en"].encode() in client.get("/news/").content
    detail = client.get(f"/news/{announcement.pk}/")
    assert detail.status_code in (200, 404)
    assert listed == (detail.status_code == 200), "the list and the page disagree"
    return listed


def told(user, announcement) -> bool:
    return Notification.objects.filter(user=user, target_id=announcement.pk, verb="announcement.published").exists()


def test_a_body_announcement_is_read_and_notified_only_where_the_member_holds_a_seat(
    client, login, make_user, world, announce
):
    # given people of a seated member, of a member that left the body, and of no member
    rso = make_user("rso_staff")
    seated = make_user("member_official", world.a)
    former = make_user("member_official", world.c)
    researcher = make_user("researcher")

    # when the RSO announces to the working group
    announcement = announce(rso, Audience.BODY, title="WGT meets in May", audience_body=world.body)

    # then it is body-level for that body
    assert announcement.classification == Classification.BODY
    assert announcement.body == world.body
    # and the seated member's official reads it and is told; the others neither
    login(seated)
    assert sees(client, announcement)
    assert b"WGT meets in May" in client.get("/news/notifications/").content
    assert told(seated, announcement)
    for outsider in (former, researcher):
        login(outsider)
        assert not sees(client, announcement)
        assert b"WGT meets in May" not in client.get("/news/notifications/").content
        assert not told(outsider, announcement)
    client.logout()
    assert not sees(client, announcement)


def test_a_sub_region_announcement_reaches_only_that_sub_regions_members(client, login, make_user, world, announce):
    # given
    rso = make_user("rso_admin")
    east_a, east_b = make_user("member_coordinator", world.a), make_user("member_official", world.b)
    west = make_user("member_official", world.c)

    # when
    announcement = announce(rso, Audience.SUB_REGION, title="East consultations", audience_sub_region=world.east)

    # then it is restricted to the members of the sub-region
    assert announcement.classification == Classification.RESTRICTED
    assert set(announcement.released_to.all()) == {world.a, world.b}
    for reader in (east_a, east_b):
        login(reader)
        assert sees(client, announcement)
        assert told(reader, announcement)
    login(west)
    assert not sees(client, announcement)
    assert not told(west, announcement)
    assert b"East consultations" not in client.get("/news/notifications/").content


def test_a_public_announcement_is_read_by_anonymous_visitors_and_told_to_members_and_the_rso(
    client, login, make_user, world, announce
):
    # given
    rso = make_user("rso_staff")
    colleague = make_user("rso_admin")
    official = make_user("member_official", world.c)
    researcher = make_user("researcher")
    alumnus = make_user("alumnus")

    # when
    announcement = announce(rso, Audience.PUBLIC, title="Public call for papers")

    # then anyone reads it
    assert announcement.classification == Classification.PUBLIC
    assert sees(client, announcement)
    login(researcher)
    assert sees(client, announcement)
    # and the RSO and members are told, researchers and alumni read it on the site, the author is not told
    assert told(colleague, announcement) and told(official, announcement)
    assert not told(researcher, announcement) and not told(alumnus, announcement)
    assert not told(rso, announcement)


def test_an_all_members_announcement_is_hidden_from_the_public_and_researchers(
    client, login, make_user, world, announce
):
    announcement = announce(make_user("rso_staff"), Audience.ALL_MEMBERS, title="Members only update")
    assert announcement.classification == Classification.MEMBERS
    assert not sees(client, announcement)
    login(make_user("researcher"))
    assert not sees(client, announcement)
    login(make_user("member_official", world.c))
    assert sees(client, announcement)


def test_a_list_announcement_tells_the_people_on_the_list_and_their_members_coordinators(
    client, login, make_user, world
):
    # given a coordinator of AA with a list of BB's focal points; one of them has an account
    from bphub.directory.selectors import DirectoryFilter
    from bphub.directory.services.lists import engagement_list_create
    from bphub.directory.testing import make_focal_point

    author = make_user("member_coordinator", world.a)
    on_list = make_user("member_official", world.b)
    b_coordinator = make_user("member_coordinator", world.b)
    b_colleague = make_user("member_official", world.b)  # of BB, but not on the list
    outsider = make_user("member_coordinator", world.c)
    person = make_focal_point(world.b, full_name="Bea Listed")
    person.user = on_list
    person.save(update_fields=["user"])
    make_focal_point(world.b, full_name="Ben Nouser")
    make_focal_point(world.c, full_name="Cee Elsewhere")
    engagement_list = engagement_list_create(
        user=author, name="BB contacts", criteria=DirectoryFilter(member="BB"), classification="restricted"
    )

    # when the coordinator announces to the list through the form
    login(author)
    response = client.post(
        "/news/new/",
        {
            "title_0": "Workshop for BB focal points",
            "text_0": "Details follow.",
            "audience": Audience.LIST,
            "audience_list": engagement_list.pk,
            "send_email": "on",
        },
    )

    # then it is restricted to BB, originated by AA, and told to the person on the list and BB's coordinator
    assert response.status_code == 302, response.content.decode()[:2000]
    announcement = Announcement.objects.get()
    assert response["Location"] == f"/news/{announcement.pk}/"
    assert announcement.classification == Classification.RESTRICTED
    assert announcement.originator == world.a
    assert list(announcement.released_to.all()) == [world.b]
    assert told(on_list, announcement) and told(b_coordinator, announcement)
    assert not told(b_colleague, announcement), "not on the list, and not a coordinator"
    assert not told(outsider, announcement)
    # and the list's name is not shown to its readers (they may not see the list)
    login(b_colleague)
    page = client.get(f"/news/{announcement.pk}/")
    assert page.status_code == 200
    assert b"BB contacts" not in page.content
    login(outsider)
    assert client.get(f"/news/{announcement.pk}/").status_code == 404
    assert AuditEvent.objects.filter(verb="announcement.published", target_id=str(announcement.pk)).exists()


def test_a_working_group_co_chair_announces_to_their_own_body_only(client, login, make_user, world):
    # given
    co_chair = make_user("wg_co_chair", world.a)
    co_chair.chaired_bodies.add(world.body)
    login(co_chair)

    # when / then: the form offers only their body
    page = client.get("/news/new/")
    assert page.status_code == 200
    assert b"WGT" in page.content and b"WGO" not in page.content
    refused = client.post(
        "/news/new/",
        {"title_0": "Hi", "text_0": "Text", "audience": Audience.BODY, "audience_body": world.other_body.pk},
    )
    assert refused.status_code == 200
    assert b"errorlist" in refused.content
    public = client.post("/news/new/", {"title_0": "Hi", "text_0": "Text", "audience": Audience.PUBLIC})
    assert public.status_code == 200
    assert not Announcement.objects.exists()
    ok = client.post(
        "/news/new/",
        {"title_0": "WGT agenda", "text_0": "Text", "audience": Audience.BODY, "audience_body": world.body.pk},
    )
    assert ok.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.classification, announcement.body, announcement.originator) == (
        Classification.BODY,
        world.body,
        world.a,
    )


@pytest.mark.parametrize("role", ["member_official", "researcher", "alumnus", "wg_co_chair"])
def test_people_who_may_not_announce_get_no_form(client, login, make_user, world, role):
    login(make_user(role, world.a if role in {"member_official", "wg_co_chair"} else None))
    assert client.get("/news/new/").status_code == 404
    assert client.post("/news/new/", {"title_0": "x", "text_0": "y", "audience": "public"}).status_code == 404
    assert b"New announcement" not in client.get("/news/").content


def test_a_coordinator_may_announce_only_to_lists(client, login, make_user, world):
    login(make_user("member_coordinator", world.a))
    page = client.get("/news/new/")
    assert page.status_code == 200
    assert b'value="list"' in page.content and b'value="public"' not in page.content
    response = client.post("/news/new/", {"title_0": "Hi", "text_0": "Text", "audience": Audience.ALL_MEMBERS})
    assert response.status_code == 200
    assert not Announcement.objects.exists()


def test_a_missing_title_is_refused_naming_the_field_and_nothing_is_written(client, login, make_user, world):
    login(make_user("rso_staff"))
    response = client.post("/news/new/", {"title_0": "", "text_0": "Text", "audience": Audience.PUBLIC})
    assert response.status_code == 200
    html = response.content.decode()
    title_part = html[html.index("<legend>Title</legend>") : html.index("<legend>Text</legend>")]
    assert "errorlist" in title_part
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()
    missing_body = client.post("/news/new/", {"title_0": "T", "text_0": "Text", "audience": Audience.BODY})
    assert "Choose the body or working group." in missing_body.content.decode()
    assert not Announcement.objects.exists()


def test_the_text_is_plain_text_in_paragraphs_never_html(client, world, make_user, announce):
    announcement = announce(
        make_user("rso_staff"), Audience.PUBLIC, text="First <script>alert(1)</script> line\n\nSecond <b>para</b>"
    )
    html = client.get(f"/news/{announcement.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>Second &lt;b&gt;para&lt;/b&gt;</p>" in html


def test_a_linked_meeting_is_shown_only_to_readers_who_may_see_it(client, login, make_user, world, announce):
    from bphub.meetings.testing import make_meeting

    meeting = make_meeting(title="Secret planning", classification=Classification.SECRETARIAT)
    rso = make_user("rso_staff")
    announcement = announce(rso, Audience.PUBLIC, title="A public notice", meeting=meeting)
    assert b"Secret planning" not in client.get(f"/news/{announcement.pk}/").content
    login(rso)
    assert b"Secret planning" in client.get(f"/news/{announcement.pk}/").content


def test_a_member_author_may_not_link_a_meeting_they_cannot_see(make_user, world, announce):
    from django.core.exceptions import ValidationError

    from bphub.meetings.testing import make_meeting

    co_chair = make_user("wg_co_chair", world.a)
    co_chair.chaired_bodies.add(world.body)
    hidden = make_meeting(title="Hidden", classification=Classification.SECRETARIAT)
    with pytest.raises(ValidationError) as error:
        announce(co_chair, Audience.BODY, audience_body=world.body, meeting=hidden)
    assert "meeting" in error.value.message_dict
    assert not Announcement.objects.exists()


def test_the_news_list_query_count_does_not_grow_with_its_length(client, login, make_user, world, announce):
    rso = make_user("rso_staff")
    login(make_user("member_official", world.a))
    announce(rso, Audience.BODY, audience_body=world.body, title="First")
    client.get("/news/")  # the first request after sign-in records the session

    def queries() -> int:
        cache.clear()  # the header's unread count, cached for a minute: measure it too, each time
        with CaptureQueriesContext(connection) as context:
            assert client.get("/news/").status_code == 200
        return len(context.captured_queries)

    few = queries()
    for number in range(20):
        announce(
            rso,
            Audience.SUB_REGION if number % 2 else Audience.BODY,
            title=f"News {number}",
            audience_sub_region=world.east,
            audience_body=world.body,
        )
    assert queries() == few
    assert few <= 12


def test_the_header_counts_unread_notifications_and_links_news(client, login, make_user, world, announce):
    reader = make_user("member_official", world.a)
    login(reader)
    assert b"Notifications (" not in client.get("/news/").content
    announce(make_user("rso_staff"), Audience.ALL_MEMBERS, title="One")
    announce(make_user("rso_staff"), Audience.ALL_MEMBERS, title="Two")
    page = client.get("/news/").content.decode()
    assert "Notifications (2 unread)" in page
    assert 'href="/news/" aria-current="page">News</a>' in page
