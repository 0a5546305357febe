"""An "unconfirmed" badge is explained where it is shown: a title on the badge and a legend line."""

from django.utils import timezone

from bphub.members.models import Body, BodyMembership, Member

EXPLANATION = "not yet confirmed by the member or the RSO against an official source"
TITLE = 'title="Not yet confirmed by the member or the RSO against an official source"'


def test_the_members_list_explains_its_unconfirmed_badges(client, reference):
    # given the reference data, where some memberships are believed but not confirmed
    assert Member.objects.filter(is_confirmed=False).exists()

    # when anyone opens the members list
    html = client.get("/members/").content.decode()

    # then each badge carries the explanation and a legend line says what "unconfirmed" means
    assert f'class="badge unconfirmed" {TITLE}' in html
    assert '<p class="unconfirmed-note muted" id="unconfirmed-note">' in html
    assert f"means {EXPLANATION}." in html


def test_no_legend_where_no_badge_is_shown(client, reference):
    # given a filter that shows only confirmed rows (the organisations are all confirmed)
    assert not Member.objects.filter(kind=Member.Kind.ORGANISATION, is_confirmed=False).exists()

    html = client.get("/members/", {"kind": "organisation"}).content.decode()

    assert "badge unconfirmed" not in html and "unconfirmed-note" not in html


def test_an_unconfirmed_seat_is_explained_on_the_member_and_body_pages(client, reference):
    # given a seat marked unconfirmed
    seat = BodyMembership.objects.filter(is_confirmed=False).select_related("member", "body").first()
    assert seat is not None

    day = seat.valid_from or seat.valid_to or timezone.localdate()

    # when anyone opens the member's page, and the body's page on a day the seat was held
    member_page = client.get(seat.member.get_absolute_url()).content.decode()
    body_page = client.get(seat.body.get_absolute_url(), {"on": day.isoformat()}).content.decode()

    # then the badge says what it means, and so does a legend line
    for html in (member_page, body_page):
        assert TITLE in html
        assert f"means {EXPLANATION}." in html


def test_a_body_whose_name_shows_its_code_is_not_given_it_twice(client, reference):
    # given a body named with its code in brackets
    body = Body.objects.create(code="XWG", name={"en": "Example Working Group (XWG)"}, kind=Body.Kind.WORKING_GROUP)

    html = client.get(body.get_absolute_url()).content.decode()

    # then its heading says the code once
    assert "<h1><span lang=\"en\">Example Working Group (XWG)</span></h1>" in html
    assert '<span class="muted">(XWG)</span>' not in html
