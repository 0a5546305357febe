"""A deactivated person's personal calendar feed address stops for good: reactivating the account
does not bring the old address back; only a new address works."""

from django.test import Client

from bphub.core.models import Classification
from bphub.meetings.models import CalendarFeedToken
from bphub.meetings.testing import make_meeting


def _set_active(admin_client, person, active: bool):
    response = admin_client.post(f"/people/{person.pk}/active/", {"active": "1" if active else "0"})
    assert response.status_code == 302


def test_a_deactivated_persons_feed_address_stays_dead_after_reactivation(db, make_user, login):
    make_meeting(title="Members meeting", classification=Classification.MEMBERS)
    person = make_user("member_official")
    admin = login(make_user("rso_admin"), Client())
    own = login(person, Client())
    made = own.post("/calendar/feeds/new/")
    old_path = f"/calendar/u/{made.context['raw_token']}.ics"
    feed_reader = Client()  # a calendar application: no session at all
    assert feed_reader.get(old_path).status_code == 200
    assert b"Members meeting" in feed_reader.get(old_path).content

    _set_active(admin, person, False)
    assert feed_reader.get(old_path).status_code == 404

    _set_active(admin, person, True)
    assert feed_reader.get(old_path).status_code == 404
    assert not CalendarFeedToken.objects.filter(user=person, revoked_at__isnull=True).exists()

    again = login(person, Client()).post("/calendar/feeds/new/")
    new_path = f"/calendar/u/{again.context['raw_token']}.ics"
    assert new_path != old_path
    assert feed_reader.get(new_path).status_code == 200
    assert b"Members meeting" in feed_reader.get(new_path).content
    assert feed_reader.get(old_path).status_code == 404
