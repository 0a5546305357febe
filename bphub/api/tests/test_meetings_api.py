"""The meetings API reads through the same policy as the web pages; its one write is an owner's progress update."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import ActionItem, ActionItemUpdate, Delegation, Meeting
from bphub.meetings.testing import (
    make_action,
    make_agenda,
    make_delegation,
    make_document,
    make_meeting,
    make_outcome,
    make_person,
    make_series,
)
from bphub.members.models import Body, BodyMembership, Member

MEETINGS = "/api/v1/meetings"
DOCUMENTS = "/api/v1/documents"
ACTIONS = "/api/v1/action-items"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    """Member A originates; B sits on the working group and is named on restricted records; C is named nowhere."""
    a = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    b = Member.objects.create(code="BB", name={"en": "Member B"}, kind=Member.Kind.STATE)
    c = Member.objects.create(code="CC", name={"en": "Member C"}, kind=Member.Kind.STATE)
    wg = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=b, body=wg, valid_from=date(2020, 1, 1))
    return {"A": a, "B": b, "C": c, "wg": wg}


@pytest.fixture
def ladder(world):
    """One meeting at each classification, all of member A, on the working group."""
    meetings = {}
    for number, level in enumerate(Classification.values):
        meetings[level] = make_meeting(
            title=f"{level} meeting", classification=level, originator=world["A"], body=world["wg"],
            released_to=[world["B"]] if level == Classification.RESTRICTED else (),
            starts_at=datetime(2030, 3, 1 + number, 2, 0, tzinfo=UTC),
        )
    return meetings


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"]["en"] for item in response.json()["results"]]


def _user_headers(make_user, bearer, world, role, position):
    if role == "anonymous":
        return {}
    return bearer(make_user(role, world[position] if position else None))


# --- who sees which meetings ------------------------------------------------------------------
@pytest.mark.parametrize(("role", "position", "expected"), [
    ("anonymous", None, ["public"]),
    ("researcher", None, ["public"]),
    ("alumnus", None, ["public"]),
    ("rso_staff", None, ["public", "members", "body", "restricted", "secretariat"]),
    ("member_official", "A", ["public", "members", "body", "restricted"]),
    ("member_official", "B", ["public", "members", "body", "restricted"]),
    ("member_official", "C", ["public", "members"]),
    ("member_coordinator", "C", ["public", "members"]),
])
def test_meeting_list_and_detail_follow_the_policy_for_each_role(
    client, ladder, make_user, bearer, world, role, position, expected
):
    headers = _user_headers(make_user, bearer, world, role, position)

    listed = titles(client.get(MEETINGS, headers=headers))

    assert listed == [f"{level} meeting" for level in expected]  # ordered by start
    for level, meeting in ladder.items():
        detail = client.get(f"{MEETINGS}/{meeting.pk}", headers=headers)
        agenda = client.get(f"{MEETINGS}/{meeting.pk}/agenda", headers=headers)
        assert detail.status_code == agenda.status_code == (200 if level in expected else 404), (level, role)


def test_the_public_sees_only_public_meetings_and_a_hidden_one_answers_like_a_missing_one(client, ladder):
    hidden = client.get(f"{MEETINGS}/{ladder['members'].pk}")
    missing = client.get(f"{MEETINGS}/999999")

    assert titles(client.get(MEETINGS)) == ["public meeting"]
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"code": "not_found", "message": "Not found."}
    for part in ("agenda", "delegations", "documents", "outcomes"):
        assert client.get(f"{MEETINGS}/{ladder['members'].pk}/{part}").status_code == 404, part
        assert client.get(f"{MEETINGS}/{ladder['public'].pk}/{part}").status_code == 200, part


def test_drafts_are_listed_only_for_the_people_who_run_them(client, world, make_user, bearer):
    make_meeting(title="Announced", group=world["wg"])
    draft = make_meeting(title="Draft", status=Meeting.Status.DRAFT, group=world["wg"])
    co_chair = make_user("wg_co_chair", world["B"])
    co_chair.chaired_bodies.add(world["wg"])
    other_co_chair = make_user("wg_co_chair", world["B"])

    for user, sees_draft in [(make_user("rso_staff"), True), (co_chair, True), (other_co_chair, False),
                             (make_user("member_coordinator", world["A"]), False)]:
        headers = bearer(user)
        shown = titles(client.get(MEETINGS, headers=headers))
        detail = client.get(f"{MEETINGS}/{draft.pk}", headers=headers)
        assert ("Draft" in shown) is sees_draft, user.role
        assert detail.status_code == (200 if sees_draft else 404), user.role


def test_meeting_detail_gives_the_whole_record_and_its_readable_neighbours(client, world, make_user, bearer):
    series = make_series(code="ahg-som", group=world["wg"])
    first = make_meeting(title="First", series=series, number=1, starts_at=datetime(2029, 1, 10, 2, tzinfo=UTC))
    make_meeting(title="Second (restricted)", series=series, number=2, classification=Classification.RESTRICTED,
                 originator=world["A"], starts_at=datetime(2029, 6, 10, 2, tzinfo=UTC))
    third = make_meeting(
        title="Third", series=series, number=3, host=world["A"], venue="Bali Nusa Dua Convention Centre",
        online_url="https://meet.example.org/ahg", description={"en": "Review the work plan."},
        starts_at=datetime(2030, 1, 10, 2, tzinfo=UTC), time_zone="Asia/Makassar",
        nomination_deadline=datetime(2029, 12, 20, 9, tzinfo=UTC),
    )
    headers = bearer(make_user("member_official", world["C"]))

    body = client.get(f"{MEETINGS}/{third.pk}", headers=headers, HTTP_ACCEPT_LANGUAGE="id").json()

    assert body["previous"] == first.pk  # the restricted second meeting is skipped for member C
    assert body["next"] is None
    assert body["series"] == "ahg-som" and body["number"] == 3 and body["host"] == "AA"
    assert body["venue"] == "Bali Nusa Dua Convention Centre"
    assert body["online_url"] == "https://meet.example.org/ahg"
    assert body["description"] == {"en": "Review the work plan."}
    assert body["description_display"] == {"text": "Review the work plan.", "language": "en", "is_fallback": True}
    assert body["starts_at"] == "2030-01-10T02:00:00Z"
    assert body["time_zone"] == "Asia/Makassar"
    assert body["nomination_deadline"] == "2029-12-20T09:00:00Z"
    assert body["url"] == f"http://testserver/meetings/{third.pk}/"
    first_body = client.get(f"{MEETINGS}/{first.pk}", headers=headers).json()
    assert first_body["next"] == third.pk and first_body["previous"] is None


def test_restricted_meeting_reads_are_audited_and_public_ones_are_not(client, ladder, world, make_user, bearer):
    user = make_user("member_official", world["B"])
    headers = bearer(user)

    client.get(f"{MEETINGS}/{ladder['restricted'].pk}", headers=headers)
    client.get(f"{MEETINGS}/{ladder['public'].pk}", headers=headers)
    client.get(MEETINGS, headers=headers)

    reads = AuditEvent.objects.filter(verb="record.read")
    assert [(event.actor_id, event.target_id, event.data["via"]) for event in reads] == [
        (user.pk, str(ladder["restricted"].pk), "api")
    ]


# --- list filters, paging, refusals ------------------------------------------------------------
def test_meeting_list_filters_by_kind_status_group_series_host_days_and_title(client, world):
    series = make_series(code="wgx-series", group=world["wg"])
    make_meeting(title="Workshop on border data", kind=Meeting.Kind.WORKSHOP, host=world["A"],
                 starts_at=datetime(2030, 5, 4, 2, tzinfo=UTC), classification=Classification.PUBLIC)
    make_meeting(title="Working group meeting", group=world["wg"], series=series, number=1,
                 status=Meeting.Status.REGISTRATION_OPEN, starts_at=datetime(2030, 6, 1, 2, tzinfo=UTC),
                 classification=Classification.PUBLIC)

    def shown(**params):
        return titles(client.get(MEETINGS, params))

    assert shown(kind="workshop") == ["Workshop on border data"]
    assert shown(status="registration_open") == ["Working group meeting"]
    assert shown(group="WGX") == shown(series="wgx-series") == ["Working group meeting"]
    assert shown(host="AA") == ["Workshop on border data"]
    assert shown(**{"from": "2030-05-10"}) == ["Working group meeting"]
    assert shown(to="2030-05-04") == ["Workshop on border data"]
    assert shown(**{"from": "2030-05-01", "to": "2030-06-30"}) == ["Workshop on border data", "Working group meeting"]
    assert shown(q="BORDER") == ["Workshop on border data"]
    assert shown(group="NOPE") == []


def test_misspelt_filters_and_bad_values_are_refused_naming_the_field(client, world):
    unknown = client.get(MEETINGS, {"kinds": "workshop"})
    bad_kind = client.get(MEETINGS, {"kind": "party"})
    bad_day = client.get(MEETINGS, {"from": "next week"})
    backwards = client.get(MEETINGS, {"from": "2030-02-01", "to": "2030-01-01"})
    unknown_on_detail = client.get(f"{ACTIONS}", {"owner_member": "AA"})

    assert unknown.status_code == 422
    assert unknown.json()["details"] == [{"location": "query", "field": "kinds", "reason": "Unknown query parameter.",
                                          "type": "unknown_field"}]
    assert bad_kind.status_code == bad_day.status_code == backwards.status_code == 422
    assert bad_kind.json()["details"][0]["field"] == "kind"
    assert bad_day.json()["details"][0]["field"] == "from"
    assert backwards.json()["details"][0]["field"] == "to"
    assert unknown_on_detail.json()["details"][0]["field"] == "owner_member"


def test_pages_are_capped_at_200_and_link_to_the_next(client, world):
    for day in range(1, 4):
        make_meeting(title=f"Public {day}", classification=Classification.PUBLIC,
                     starts_at=datetime(2030, 1, day, 2, tzinfo=UTC))

    too_big = client.get(MEETINGS, {"page_size": 201})
    first = client.get(MEETINGS, {"page_size": 2}).json()

    assert too_big.status_code == 422 and too_big.json()["details"][0]["field"] == "page_size"
    assert first["count"] == 3 and [item["title"]["en"] for item in first["results"]] == ["Public 1", "Public 2"]
    assert "page=2" in first["next"] and first["previous"] is None
    assert titles(client.get(first["next"])) == ["Public 3"]


def test_meeting_list_queries_do_not_grow_with_the_page(client, world, make_user, bearer):
    series = make_series(group=world["wg"])
    headers = bearer(make_user("wg_co_chair", world["B"]))
    client.get(MEETINGS, headers=headers)  # the token's first use is recorded once

    def queries_for(count):
        for number in range(count):
            make_meeting(series=series, number=Meeting.objects.count() + 1, host=world["A"], group=world["wg"],
                         classification=Classification.BODY, originator=world["A"], body=world["wg"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MEETINGS, headers=headers).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(20)


def test_a_meetings_sub_lists_cost_the_same_queries_however_long_they_are(client, world, make_user, bearer):
    headers = bearer(make_user("member_official", world["B"]))
    client.get(MEETINGS, headers=headers)  # the token's first use is recorded once

    def queries_for(size):
        meeting = make_meeting(classification=Classification.MEMBERS)
        for session in make_agenda(meeting, sessions=size, items_per_session=size):
            for item in session.items.all():
                item.documents.set([make_document(meeting)])
        for code in [f"M{number}" for number in range(size)]:
            member = Member.objects.create(code=f"{code}{meeting.pk}", name={"en": code}, kind=Member.Kind.STATE)
            make_delegation(meeting, member, status=Delegation.Status.APPROVED,
                            people=[make_person(member) for _ in range(size)])
            make_outcome(meeting)
        counts = []
        for part in ("agenda", "delegations", "documents", "outcomes"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"{MEETINGS}/{meeting.pk}/{part}", headers=headers).status_code == 200
            counts.append(len(captured))
        return counts

    assert queries_for(1) == queries_for(4)


# --- agenda -----------------------------------------------------------------------------------
def test_agenda_gives_utc_and_host_times_presenters_and_only_readable_documents(client, world, make_user, bearer):
    meeting = make_meeting(classification=Classification.MEMBERS, time_zone="Asia/Kathmandu",
                           starts_at=datetime(2030, 4, 7, 3, 15, tzinfo=UTC), originator=world["A"])
    session = make_agenda(meeting, sessions=1, items_per_session=1)[0]
    item = session.items.get()
    item.presenters = "Co-chairs; RSO"
    item.save()
    shared = make_document(meeting, title="Shared paper")
    withheld = make_document(meeting, title="Withheld paper", classification=Classification.RESTRICTED,
                             released_to=[world["B"]])
    item.documents.set([shared, withheld])

    for position, documents in [("C", [shared.pk]), ("B", sorted([shared.pk, withheld.pk]))]:
        body = client.get(f"{MEETINGS}/{meeting.pk}/agenda",
                          headers=bearer(make_user("member_official", world[position]))).json()
        assert body["time_zone"] == "Asia/Kathmandu"
        (got_session,) = body["sessions"]
        assert got_session["starts_at"] == "2030-04-07T03:15:00Z"
        assert got_session["starts_at_host"] == "2030-04-07T09:00:00+05:45"
        (got_item,) = got_session["items"]
        assert got_item["presenters"] == "Co-chairs; RSO"
        assert got_item["title_display"]["text"] == "Item 1.1"
        assert sorted(got_item["documents"]) == documents, position


# --- delegations ------------------------------------------------------------------------------
def test_delegations_show_approved_ones_to_readers_and_more_to_coordinators_and_the_rso(
    client, world, make_user, bearer
):
    meeting = make_meeting(classification=Classification.MEMBERS)
    head = make_person(world["A"], name="Ayu Lestari")
    make_delegation(meeting, world["A"], status=Delegation.Status.APPROVED,
                    people=[head, make_person(world["A"], name="Budi Santoso")])
    make_delegation(meeting, world["B"], status=Delegation.Status.SUBMITTED, people=[make_person(world["B"])])
    make_delegation(meeting, world["C"], status=Delegation.Status.INVITED)

    def members(user):
        response = client.get(f"{MEETINGS}/{meeting.pk}/delegations", headers=bearer(user))
        return [(item["member"], item["status"]) for item in response.json()["results"]], response

    official_sees, response = members(make_user("member_official", world["B"]))
    assert official_sees == [("AA", "approved")]
    approved = response.json()["results"][0]
    assert approved["people"] == [{"name": "Ayu Lestari", "role": "head"}, {"name": "Budi Santoso", "role": "delegate"}]
    assert "@" not in response.content.decode()  # names and roles, never contact details
    assert members(make_user("member_coordinator", world["B"]))[0] == [("AA", "approved"), ("BB", "submitted")]
    assert members(make_user("rso_staff"))[0] == [("AA", "approved"), ("BB", "submitted"), ("CC", "invited")]


def test_the_public_sees_a_public_meetings_delegations_without_names_it_may_not_read(client, world):
    meeting = make_meeting(classification=Classification.PUBLIC)
    make_delegation(meeting, world["A"], status=Delegation.Status.APPROVED, people=[
        make_person(world["A"], name="Public Person", classification=Classification.PUBLIC),
        make_person(world["A"], name="Members-only Person"),
    ])

    response = client.get(f"{MEETINGS}/{meeting.pk}/delegations")

    assert response.json()["results"][0]["people"] == [{"name": "Public Person", "role": "head"},
                                                       {"name": None, "role": "delegate"}]
    assert "Members-only Person" not in response.content.decode()


# --- documents --------------------------------------------------------------------------------
def test_a_restricted_meetings_documents_are_only_for_the_named_members(client, world, make_user, bearer):
    meeting = make_meeting(classification=Classification.RESTRICTED, originator=world["A"], released_to=[world["B"]])
    document = make_document(meeting, title="Restricted paper")
    not_named = bearer(make_user("member_official", world["C"]))
    named = bearer(make_user("member_official", world["B"]))

    for path in (f"{MEETINGS}/{meeting.pk}/documents", f"{DOCUMENTS}/{document.pk}",
                 f"{DOCUMENTS}/{document.pk}/download"):
        assert client.get(path, headers=not_named).status_code == 404, path
        assert client.get(path, headers=named).status_code == 200, path
        assert client.get(path).status_code == 404, path
    listed = client.get(f"{MEETINGS}/{meeting.pk}/documents", headers=named).json()
    assert [item["title"]["en"] for item in listed["results"]] == ["Restricted paper"]


def test_document_metadata_and_download_through_the_policy(client, world, make_user, bearer):
    meeting = make_meeting(classification=Classification.MEMBERS)
    document = make_document(meeting, title="Concept note", doc_type="concept_note", content=b"%PDF-1.4 tiny",
                             name="concept note.pdf")
    user = make_user("member_official", world["C"])
    headers = bearer(user)

    metadata = client.get(f"{DOCUMENTS}/{document.pk}", headers=headers).json()
    download = client.get(f"{DOCUMENTS}/{document.pk}/download", headers=headers)

    assert metadata["doc_type"] == "concept_note" and metadata["language"] == "en"
    assert metadata["classification"] == "members" and metadata["meeting"] == meeting.pk
    assert (metadata["version"], metadata["size"], metadata["content_type"]) == (1, 13, "application/pdf")
    assert metadata["download_url"] == f"http://testserver{DOCUMENTS}/{document.pk}/download"
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 tiny"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "concept" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_approved_participants_download_body_papers_but_never_a_named_release(client, world, make_user, bearer):
    meeting = make_meeting(classification=Classification.MEMBERS, originator=world["A"], group=world["wg"])
    paper = make_document(meeting, title="Working-group paper", classification=Classification.BODY, body=world["wg"])
    named = make_document(meeting, title="Closed-session paper", classification=Classification.RESTRICTED,
                          released_to=[world["B"]])
    participant = make_user("member_official", world["C"])
    colleague = make_user("member_official", world["C"])
    make_delegation(meeting, world["C"], status=Delegation.Status.APPROVED,
                    people=[make_person(world["C"], user=participant)])

    assert client.get(f"{DOCUMENTS}/{paper.pk}/download", headers=bearer(participant)).status_code == 200
    assert client.get(f"{DOCUMENTS}/{paper.pk}/download", headers=bearer(colleague)).status_code == 404
    # a grant never widens past a release that names other members
    assert client.get(f"{DOCUMENTS}/{named.pk}/download", headers=bearer(participant)).status_code == 404
    listed = client.get(f"{MEETINGS}/{meeting.pk}/documents", headers=bearer(participant)).json()
    assert [item["id"] for item in listed["results"]] == [paper.pk]
    assert not AuditEvent.objects.filter(verb="record.read", target_id=str(named.pk)).exists()


def test_documents_of_a_hidden_draft_are_hidden_too(client, world, make_user, bearer):
    draft = make_meeting(status=Meeting.Status.DRAFT, classification=Classification.MEMBERS)
    document = make_document(draft)

    assert client.get(f"{DOCUMENTS}/{document.pk}", headers=bearer(make_user("member_official", world["A"]))
                      ).status_code == 404
    assert client.get(f"{DOCUMENTS}/{document.pk}", headers=bearer(make_user("rso_staff"))).status_code == 200


# --- outcomes ---------------------------------------------------------------------------------
def test_outcomes_show_what_the_reader_may_read_and_audit_restricted_ones(client, world, make_user, bearer):
    meeting = make_meeting(
        classification=Classification.MEMBERS, originator=world["A"], status=Meeting.Status.OUTCOMES_PUBLISHED
    )
    make_outcome(meeting, text="Meet again in Bangkok.", position=1)
    restricted = make_outcome(meeting, text="Fund the pilot.", classification=Classification.RESTRICTED, position=2)
    restricted.released_to.set([world["B"]])
    reader_b = make_user("member_official", world["B"])

    def texts(user):
        response = client.get(f"{MEETINGS}/{meeting.pk}/outcomes", headers=bearer(user))
        return [item["text_display"]["text"] for item in response.json()["results"]]

    assert texts(make_user("member_official", world["C"])) == ["Meet again in Bangkok."]
    assert texts(reader_b) == ["Meet again in Bangkok.", "Fund the pilot."]
    assert list(AuditEvent.objects.filter(verb="record.read").values_list("actor_id", "target_type", "target_id")) == [
        (reader_b.pk, "meetings.outcome", str(restricted.pk))
    ]


# --- action items -----------------------------------------------------------------------------
def test_action_list_filters_by_owner_status_overdue_meeting_series_and_due_day(client, world):
    series = make_series(code="wgx")
    meeting = make_meeting(classification=Classification.PUBLIC, series=series, number=1)
    other = make_meeting(classification=Classification.PUBLIC)
    yesterday = date.today() - timedelta(days=1)
    make_action(meeting, title="Member task", owner_member=world["A"], due_on=yesterday, classification="public")
    make_action(meeting, title="Body task", owner_body=world["wg"], due_on=date(2099, 1, 1), classification="public",
                status=ActionItem.Status.IN_PROGRESS)
    make_action(other, title="RSO task", due_on=yesterday, status=ActionItem.Status.DONE, classification="public")

    def shown(**params):
        return titles(client.get(ACTIONS, params))

    assert shown() == ["Member task", "RSO task", "Body task"]  # soonest due first
    assert shown(owner="AA") == ["Member task"]
    assert shown(owner="WGX") == ["Body task"]
    assert shown(owner="rso") == ["RSO task"]
    assert shown(status="in_progress") == ["Body task"]
    assert shown(overdue="true") == ["Member task"]
    assert shown(overdue="false") == ["RSO task", "Body task"]
    assert shown(meeting=other.pk) == ["RSO task"]
    assert shown(series="wgx") == ["Member task", "Body task"]
    assert shown(due_before="2030-01-01") == ["Member task", "RSO task"]
    item = client.get(ACTIONS, {"owner": "AA"}).json()["results"][0]
    assert (item["owner_kind"], item["owner"], item["is_overdue"], item["series"]) == ("member", "AA", True, "wgx")
    assert client.get(ACTIONS, {"status": "finished"}).json()["details"][0]["field"] == "status"


@pytest.mark.parametrize(("role", "position", "expected"), [
    ("anonymous", None, ["public"]),
    ("rso_admin", None, ["public", "members", "body", "restricted", "secretariat"]),
    ("member_coordinator", "B", ["public", "members", "body", "restricted"]),
    ("wg_co_chair", "C", ["public", "members"]),
])
def test_action_list_and_detail_follow_the_policy(client, ladder, make_user, bearer, world, role, position, expected):
    actions = {level: make_action(meeting, title=f"{level} action", owner_member=world["A"])
               for level, meeting in ladder.items()}
    headers = _user_headers(make_user, bearer, world, role, position)

    assert sorted(titles(client.get(ACTIONS, headers=headers))) == sorted(f"{level} action" for level in expected)
    for level, action in actions.items():
        assert client.get(f"{ACTIONS}/{action.pk}", headers=headers).status_code == (200 if level in expected else 404)


def test_action_list_queries_do_not_grow_with_the_page(client, world, make_user, bearer):
    series = make_series()
    headers = bearer(make_user("member_official", world["B"]))
    client.get(ACTIONS, headers=headers)  # the token's first use is recorded once

    def queries_for(count):
        for _ in range(count):
            meeting = make_meeting(series=series, number=Meeting.objects.count() + 1)
            make_action(meeting, owner_member=world["A"])
            make_action(meeting, owner_body=world["wg"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ACTIONS, headers=headers).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(15)


def test_the_owner_reports_progress_and_it_shows_in_the_action(client, world, make_user, bearer):
    meeting = make_meeting(classification=Classification.MEMBERS, originator=world["B"])
    action = make_action(meeting, owner_member=world["A"], due_on=date(2030, 1, 1))
    official = make_user("member_official", world["A"], full_name="Sri Wahyuni")
    headers = bearer(official)

    started = client.post(f"{ACTIONS}/{action.pk}/updates", {"text": " Draft shared with the group. ",
                                                            "status": "in_progress"},
                          content_type="application/json", headers=headers)
    finished = client.post(f"{ACTIONS}/{action.pk}/updates", {"text": "Guide published.", "status": "done"},
                           content_type="application/json", headers=headers)
    note = client.post(f"{ACTIONS}/{action.pk}/updates", {"text": "Translated into Bahasa Indonesia."},
                       content_type="application/json", headers=headers)

    assert started.status_code == finished.status_code == note.status_code == 201
    assert started.json()["text"] == "Draft shared with the group."
    assert (started.json()["status_before"], started.json()["status_after"]) == ("open", "in_progress")
    assert (note.json()["status_before"], note.json()["status_after"]) == ("done", "done")
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE and action.completed_on is not None
    detail = client.get(f"{ACTIONS}/{action.pk}", headers=bearer(make_user("member_official", world["C"]))).json()
    assert detail["status"] == "done"
    assert [update["text"] for update in detail["updates"]] == [
        "Translated into Bahasa Indonesia.", "Guide published.", "Draft shared with the group."
    ]
    assert detail["updates"][0]["author"] == "Sri Wahyuni"
    assert AuditEvent.objects.filter(verb="action.progress", target_id=str(action.pk)).count() == 3


def test_progress_is_refused_to_readers_who_do_not_own_the_action_and_hidden_from_others(
    client, world, make_user, bearer
):
    meeting = make_meeting(classification=Classification.RESTRICTED, originator=world["A"], released_to=[world["B"]])
    action = make_action(meeting, owner_member=world["A"])
    path = f"{ACTIONS}/{action.pk}/updates"
    payload = {"text": "Done it", "status": "done"}

    reader = client.post(path, payload, content_type="application/json",
                         headers=bearer(make_user("member_coordinator", world["B"])))
    outsider = client.post(path, payload, content_type="application/json",
                           headers=bearer(make_user("member_coordinator", world["C"])))
    anonymous = client.post(path, payload, content_type="application/json")

    assert reader.status_code == 403 and reader.json()["code"] == "permission_denied"
    assert outsider.status_code == 404 and outsider.json() == {"code": "not_found", "message": "Not found."}
    assert anonymous.status_code == 401
    assert not ActionItemUpdate.objects.exists()
    action.refresh_from_db()
    assert action.status == ActionItem.Status.OPEN


@pytest.mark.parametrize(("payload", "field"), [
    ({"text": "   ", "status": "done"}, "text"),
    ({"status": "done"}, "text"),
    ({"text": "Done", "status": "finished"}, "status"),
    ({"text": "Done", "due_on": "2030-01-01"}, "due_on"),
])
def test_a_bad_progress_update_is_refused_naming_the_field_and_changes_nothing(
    client, world, make_user, bearer, payload, field
):
    action = make_action(make_meeting(), owner_member=world["A"])

    response = client.post(f"{ACTIONS}/{action.pk}/updates", payload, content_type="application/json",
                           headers=bearer(make_user("member_coordinator", world["A"])))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert [detail["field"] for detail in response.json()["details"]] == [field]
    assert not ActionItemUpdate.objects.exists()


def test_a_body_owned_action_is_updated_by_the_bodys_co_chairs(client, world, make_user, bearer):
    action = make_action(make_meeting(), owner_body=world["wg"])
    co_chair = make_user("wg_co_chair", world["B"])
    co_chair.chaired_bodies.add(world["wg"])

    allowed = client.post(f"{ACTIONS}/{action.pk}/updates", {"text": "Terms of reference agreed."},
                          content_type="application/json", headers=bearer(co_chair))
    official = client.post(f"{ACTIONS}/{action.pk}/updates", {"text": "Me too."},
                           content_type="application/json", headers=bearer(make_user("member_official", world["B"])))

    assert allowed.status_code == 201
    assert official.status_code == 403
