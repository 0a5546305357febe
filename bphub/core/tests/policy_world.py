"""A small world of meetings and their parts, an oracle of who should read what, and a probe that
asks every page, list, feed and API route what each reader actually gets.

Used by `test_policy_through_change.py` (a state machine that changes parents) and
`test_parts_follow_their_meeting.py` (one plain test per known leak).

The oracle is written out here from the rules of the one policy (README, `bphub.core.policy`'s
docstring), reading only the records' own fields from the database. It never calls the policy,
the permissions or the selectors, so a bug there shows as a difference instead of being mirrored.
The rule it holds every part to: a part of a meeting (document, outcome, action item, agenda,
delegation) is readable only if its meeting is readable by that reader at that moment, and the
part's own classification and release allow it too. An approved delegate reads nothing more than
that, but for one grant (the policy's): their part in a meeting opens its body-level documents
while the meeting itself is readable to them; never a document released to other members, nor a
secretariat one, nor anything of a meeting they may not read; and a person the directory has
retired (an inactive focal point) has no part any more.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from bphub.accounts.testing import create_user, force_login_with_mfa
from bphub.core.models import Classification
from bphub.meetings.models import ActionItem, Delegation, Document, Meeting, Outcome
from bphub.meetings.testing import (
    make_action,
    make_agenda,
    make_delegation,
    make_document,
    make_meeting,
    make_outcome,
    make_person,
)
from bphub.members.models import Body, BodyMembership, Member

RSO = {"rso_admin", "rso_staff"}
MEMBER_ROLES = {"member_coordinator", "member_official", "wg_co_chair"}
SEARCH_WORD = "zqpaperzq"  # in every document's text
PUBLISHED = {Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED}


@dataclass
class Reader:
    key: str
    user: object | None  # None: the anonymous public
    client: Client
    feed_path: str = ""  # the working personal feed address, if any
    dead_feed_paths: list = field(default_factory=list)  # addresses that must never work again

    def refresh(self):
        if self.user is not None:
            self.user.refresh_from_db()


@dataclass
class World:
    members: dict
    bodies: dict
    readers: dict
    meetings: dict  # marker -> Meeting
    delegations: dict  # (meeting marker, member code) -> Delegation
    admin: object


def _meeting_parts(meeting: Meeting, marker: str, members: dict) -> None:
    """One document at the meeting's level, one narrower (restricted, released to B only), an
    outcome and an action item at the meeting's level, and an agenda."""
    make_document(meeting, title=f"Document zq{marker}doczq", text=SEARCH_WORD)
    make_document(
        meeting,
        title=f"Document zq{marker}narrowzq",
        text=SEARCH_WORD,
        classification=Classification.RESTRICTED,
        released_to=[members["B"]],
        originator=members["A"],
    )
    make_outcome(meeting, text=f"Outcome zq{marker}outzq")
    make_action(meeting, title=f"Action zq{marker}actzq", owner_member=members["B"])
    make_agenda(meeting, sessions=1, items_per_session=1)


def build_world(*, feeds: bool = True) -> World:
    """Members A (originates everything), B, C, D; body W1 seats B and C, body W2 seats C and D.

    Meetings (titles carry their marker): `mr` restricted to B and C, `mb` of body W1, both held
    ten days ago with outcomes published; `mm` members-level of W2, announced, in a month.
    Readers: the public, RSO staff, an official each of B, C and D, a co-chair (of B) of W1, a
    researcher, and two officials with an approved seat in a delegation: `del_c` of C to `mr`,
    `del_d` of D to `mr` and `mb` (where D may read neither meeting).
    """
    members = {
        code: Member.objects.create(code=code * 2, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in "ABCD"
    }
    bodies = {
        "W1": Body.objects.create(code="WGONE", name={"en": "Working Group One"}, kind=Body.Kind.WORKING_GROUP),
        "W2": Body.objects.create(code="WGTWO", name={"en": "Working Group Two"}, kind=Body.Kind.WORKING_GROUP),
    }
    for body, codes in (("W1", "BC"), ("W2", "CD")):
        for code in codes:
            BodyMembership.objects.create(member=members[code], body=bodies[body], valid_from=date(2020, 1, 1))

    past = timezone.now() - timedelta(days=10)
    meetings = {
        "mr": make_meeting(
            title="Meeting zqmrzq",
            classification=Classification.RESTRICTED,
            originator=members["A"],
            released_to=[members["B"], members["C"]],
            group=bodies["W1"],
            starts_at=past,
            status=Meeting.Status.OUTCOMES_PUBLISHED,
        ),
        "mb": make_meeting(
            title="Meeting zqmbzq",
            classification=Classification.BODY,
            originator=members["A"],
            body=bodies["W1"],
            starts_at=past,
            status=Meeting.Status.OUTCOMES_PUBLISHED,
        ),
        "mm": make_meeting(
            title="Meeting zqmmzq", classification=Classification.MEMBERS, originator=members["A"], group=bodies["W2"]
        ),
    }
    for marker, meeting in meetings.items():
        _meeting_parts(meeting, marker, members)

    def user(role, member=None):
        return create_user(role, member, mfa=True)

    cochair = user("wg_co_chair", members["B"])
    cochair.chaired_bodies.add(bodies["W1"])
    people = {
        "anon": None,
        "rso": user("rso_staff"),
        "off_b": user("member_official", members["B"]),
        "off_c": user("member_official", members["C"]),
        "off_d": user("member_official", members["D"]),
        "cochair_w1": cochair,
        "researcher": user("researcher"),
        "del_c": user("member_official", members["C"]),
        "del_d": user("member_official", members["D"]),
    }
    delegations = {}
    persons = {key: make_person(members[key[-1].upper()], user=people[key]) for key in ("del_c", "del_d")}
    for meeting_marker, code, person_key in (("mr", "C", "del_c"), ("mr", "D", "del_d"), ("mb", "D", "del_d")):
        person = persons[person_key]
        delegations[(meeting_marker, code)] = make_delegation(
            meetings[meeting_marker], members[code], status=Delegation.Status.APPROVED, people=[person]
        )
    readers = {}
    for key, person in people.items():
        reader = Reader(key=key, user=person, client=Client())
        if person is not None:
            force_login_with_mfa(reader.client, person)
            if feeds:
                reader.feed_path = new_feed_path(person)
        readers[key] = reader
    add_notifications(readers, meetings)
    return World(members, bodies, readers, meetings, delegations, admin=user("rso_admin"))


def new_feed_path(user) -> str:
    from bphub.meetings.services.calendars import calendar_feed_token_create

    _record, raw = calendar_feed_token_create(actor=user)
    return f"/calendar/u/{raw}.ics"


def add_notifications(readers: dict, meetings: dict) -> None:
    """Each signed-in reader was told about each meeting and each of its documents and actions
    (titles carry "zqnote" and the part's marker)."""
    from bphub.communications.models import Notification, Topic

    rows = []
    for reader in readers.values():
        if reader.user is None:
            continue
        for meeting in meetings.values():
            for target in (meeting, *meeting.documents.all(), *meeting.action_items.all()):
                rows.append(
                    Notification(
                        user=reader.user,
                        topic=Topic.MEETING,
                        verb="test.told",
                        title=f"zqnote {part_marker(target)}",
                        target=target,
                    )
                )
    Notification.objects.bulk_create(rows)


def part_marker(record) -> str:
    """The marker word a record carries in its title or text ("zqmrdoczq", "zqmbzq"...)."""
    if isinstance(record, Outcome):
        text = record.text["en"]
    else:
        text = record.title["en"]
    return text.split()[-1]


# --- the oracle ---------------------------------------------------------------------------------


def _acts_for(user) -> tuple[str | None, int | None]:
    """(role, member id) the rules act on: nothing for the public and for a deactivated account."""
    if user is None or not user.is_active:
        return None, None
    return user.role, user.member_id if user.role in MEMBER_ROLES else None


def classification_allows(user, record) -> bool:
    """The policy's classification rules, written out: may `user` read `record` by its own fields?"""
    role, member_id = _acts_for(user)
    level = record.classification
    if level == Classification.PUBLIC or role in RSO:
        return True
    if member_id is None:
        return False
    if level == Classification.MEMBERS:
        return True
    if level == Classification.BODY:
        today = timezone.localdate()
        seated = BodyMembership.objects.on(today).filter(member_id=member_id, body_id=record.body_id).exists()
        return record.originator_id == member_id or seated
    if level == Classification.RESTRICTED:
        return record.originator_id == member_id or record.released_to.filter(pk=member_id).exists()
    return False


def manages(user, meeting: Meeting) -> bool:
    role, _member = _acts_for(user)
    if role in RSO:
        return True
    return role == "wg_co_chair" and user.chaired_bodies.filter(pk=meeting.group_id).exists()


def sees_meeting(user, meeting: Meeting) -> bool:
    if meeting.status == Meeting.Status.DRAFT and not manages(user, meeting):
        return False
    return classification_allows(user, meeting)


def sees_part(user, part) -> bool:
    """A part is read only through a meeting the reader reads now, and only as far as its own
    classification allows; outcomes only once published (before, by those who run the meeting)."""
    meeting = part.meeting
    if not sees_meeting(user, meeting):
        return False
    if isinstance(part, Outcome) and meeting.status not in PUBLISHED and not manages(user, meeting):
        return False
    if isinstance(part, Document) and part.classification == Classification.BODY and participates(user, meeting):
        return True  # the participants' grant: a readable meeting's body-level documents, nothing more
    return classification_allows(user, part)


def participates(user, meeting: Meeting) -> bool:
    """An approved participant: a person (an active focal point) of an approved delegation to the
    meeting, whose account acts for a member."""
    _role, member_id = _acts_for(user)
    if member_id is None:
        return False
    return Delegation.objects.filter(
        meeting=meeting,
        status=Delegation.Status.APPROVED,
        delegates__focal_point__user=user,
        delegates__focal_point__is_active=True,
    ).exists()


# --- the probe ----------------------------------------------------------------------------------


def _results(response) -> list:
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def _check(problems: list, who: str, what: str, expected: bool, got: bool) -> None:
    if expected != got:
        problems.append(
            f"{who}: {what}: expected {'visible' if expected else 'hidden'}, got {'visible' if got else 'hidden'}"
        )


def _status_visible(response) -> bool:
    if response.status_code not in (200, 302, 401, 404):
        raise AssertionError(f"unexpected status {response.status_code} for {response.request['PATH_INFO']}")
    return response.status_code == 200


def _text(response) -> str:
    return response.content.decode() if response.status_code == 200 else ""


def probe_reader(world: World, reader: Reader, meeting_markers=None) -> list[str]:
    """Every surface, for one reader, against the oracle; returns the differences. The routes of one
    meeting and its parts are asked for the meetings of `meeting_markers` (all by default); the lists,
    search, notifications and feeds, which show every meeting at once, always."""
    reader.refresh()
    user, client, who, problems = reader.user, reader.client, reader.key, []
    meetings = list(Meeting.objects.filter(pk__in=[m.pk for m in world.meetings.values()]))
    documents = list(Document.objects.filter(meeting__in=meetings).select_related("meeting"))
    outcomes = list(Outcome.objects.filter(meeting__in=meetings).select_related("meeting"))
    actions = list(ActionItem.objects.filter(meeting__in=meetings).select_related("meeting"))
    asked = {world.meetings[marker].pk for marker in (world.meetings if meeting_markers is None else meeting_markers)}

    for meeting in (m for m in meetings if m.pk in asked):
        problems += _probe_meeting(reader, meeting, documents, outcomes, actions)
    for document in (d for d in documents if d.meeting_id in asked):
        dk, expected = part_marker(document), sees_part(user, document)
        for path in (
            f"/meetings/documents/{document.pk}/",
            f"/meetings/documents/{document.pk}/download/",
            f"/api/v1/documents/{document.pk}",
            f"/api/v1/documents/{document.pk}/download",
        ):
            _check(problems, who, f"{path} ({dk})", expected, _status_visible(client.get(path)))
    for action in (a for a in actions if a.meeting_id in asked):
        ak, expected = part_marker(action), sees_part(user, action)
        _check(
            problems, who, f"action page {ak}", expected, _status_visible(client.get(f"/meetings/actions/{action.pk}/"))
        )
        _check(
            problems,
            who,
            f"API action {ak}",
            expected,
            _status_visible(client.get(f"/api/v1/action-items/{action.pk}")),
        )

    found = _text(client.get("/meetings/documents/", {"q": SEARCH_WORD}))
    for document in documents:
        _check(
            problems,
            who,
            f"document search finds {part_marker(document)}",
            sees_part(user, document),
            part_marker(document) in found,
        )
    all_actions = _text(client.get("/meetings/actions/"))
    for action in actions:
        _check(
            problems,
            who,
            f"action list shows {part_marker(action)}",
            sees_part(user, action),
            part_marker(action) in all_actions,
        )
    for meeting in meetings:
        # A list names a meeting (its title beside an action or document) only for its readers.
        if not sees_meeting(user, meeting):
            for name, content in (("action list", all_actions), ("document search", found)):
                _check(
                    problems,
                    who,
                    f"{name} names meeting {part_marker(meeting)}",
                    False,
                    part_marker(meeting) in content,
                )

    if user is not None and user.is_active:
        notes = _text(client.get("/news/notifications/"))
        for record in [*meetings, *documents, *actions]:
            expected = sees_meeting(user, record) if isinstance(record, Meeting) else sees_part(user, record)
            _check(
                problems,
                who,
                f"notifications show {part_marker(record)}",
                expected,
                f"zqnote {part_marker(record)}" in notes,
            )
    problems += _probe_overviews(world, reader, meetings, [*documents, *outcomes, *actions])
    problems += _probe_feeds(world, reader, meetings)
    return problems


def _probe_overviews(world: World, reader: Reader, meetings: list, parts: list) -> list[str]:
    """Pages that pick some meetings and parts by their own rules (the home page, the meeting list,
    the bodies' workspaces, the weekly digest): whatever they name, the reader must be allowed to read."""
    problems, user = [], reader.user
    pages = ["/", "/meetings/", *(f"/meetings/groups/{body.code}/" for body in world.bodies.values())]
    contents = [(path, _text(reader.client.get(path))) for path in pages]
    if user is not None and user.is_active:
        contents.append(("the weekly digest", _digest_text(user)))
    for path, content in contents:
        for record in [*meetings, *parts]:
            marker = part_marker(record)
            allowed = sees_meeting(user, record) if isinstance(record, Meeting) else sees_part(user, record)
            if marker in content and not allowed:
                problems.append(f"{reader.key}: {path} names {marker}, which they may not read")
    return problems


def _probe_meeting(reader: Reader, meeting: Meeting, documents, outcomes, actions) -> list[str]:
    """The meeting's page (and the parts it shows), its API routes, and the action counts and list
    filtered to it."""
    user, client, who, problems = reader.user, reader.client, reader.key, []
    mk, expected = part_marker(meeting), sees_meeting(user, meeting)
    parts = [p for p in [*documents, *outcomes, *actions] if p.meeting_id == meeting.pk]
    page = client.get(f"/meetings/{meeting.pk}/")
    _check(problems, who, f"meeting page {mk}", expected, _status_visible(page))
    content = _text(page)
    for part in parts:
        _check(
            problems,
            who,
            f"meeting page {mk} shows {part_marker(part)}",
            sees_part(user, part),
            part_marker(part) in content,
        )
    api = f"/api/v1/meetings/{meeting.pk}"
    _check(problems, who, f"API meeting {mk}", expected, _status_visible(client.get(api)))
    for sub in ("documents", "outcomes", "delegations", "agenda"):
        response = client.get(f"{api}/{sub}")
        _check(problems, who, f"API meeting {mk}/{sub}", expected, _status_visible(response))
        if sub in ("documents", "outcomes") and response.status_code == 200:
            shown = json.dumps(_results(response))
            kind = Document if sub == "documents" else Outcome
            for part in (p for p in parts if isinstance(p, kind)):
                _check(
                    problems,
                    who,
                    f"API meeting {mk}/{sub} lists {part_marker(part)}",
                    sees_part(user, part),
                    part_marker(part) in shown,
                )
    own_actions = [a for a in parts if isinstance(a, ActionItem)]
    counted = client.get("/api/v1/action-items", {"meeting": meeting.pk}).json()["count"]
    expected_count = sum(1 for a in own_actions if sees_part(user, a))
    if counted != expected_count:
        problems.append(f"{who}: API action-items?meeting={mk} count: expected {expected_count}, got {counted}")
    listed = _text(client.get("/meetings/actions/", {"meeting": meeting.pk}))
    for action in own_actions:
        _check(
            problems,
            who,
            f"action list ?meeting={mk} shows {part_marker(action)}",
            sees_part(user, action),
            part_marker(action) in listed,
        )
    return problems


def _digest_text(user) -> str:
    """Everything the weekly digest would tell `user` about the week up to now."""
    from bphub.communications.services.digest import digest_collect

    digest = digest_collect(user, week_start=timezone.now() + timedelta(minutes=1))
    return " ".join(f"{item.title} {item.note}" for section in digest.sections for item in section.items)


def _probe_feeds(world: World, reader: Reader, meetings: list) -> list[str]:
    problems, who, client = [], reader.key, Client()
    for path in reader.dead_feed_paths:
        if client.get(path).status_code != 404:
            problems.append(f"{who}: a revoked feed address {path} works again")
    if not reader.feed_path:
        return problems
    response = client.get(reader.feed_path)
    if reader.user is None or not reader.user.is_active:
        if response.status_code != 404:
            problems.append(f"{who}: the feed of a deactivated account answers {response.status_code}")
        return problems
    feed = _text(response)
    token = reader.feed_path.rsplit("/", 1)[-1].removesuffix(".ics")
    group_feeds = {
        body.pk: _text(client.get(f"/calendar/groups/{body.code}.ics", {"token": token}))
        for body in world.bodies.values()
    }
    for meeting in meetings:
        expected = sees_meeting(reader.user, meeting)
        _check(problems, who, f"personal feed lists {part_marker(meeting)}", expected, part_marker(meeting) in feed)
        _check(
            problems,
            who,
            f"group feed (token) lists {part_marker(meeting)}",
            expected,
            part_marker(meeting) in group_feeds[meeting.group_id],
        )
    return problems


def probe_public_feeds(world: World) -> list[str]:
    """The public feeds list exactly the public meetings that are not drafts."""
    problems, client = [], Client()
    meetings = list(Meeting.objects.filter(pk__in=[m.pk for m in world.meetings.values()]))
    public = _text(client.get("/calendar/public.ics"))
    groups = {body.pk: _text(client.get(f"/calendar/groups/{body.code}.ics")) for body in world.bodies.values()}
    for meeting in meetings:
        expected = meeting.classification == Classification.PUBLIC and meeting.status != Meeting.Status.DRAFT
        _check(
            problems, "public", f"public feed lists {part_marker(meeting)}", expected, part_marker(meeting) in public
        )
        if meeting.group_id in groups:
            _check(
                problems,
                "public",
                f"group feed lists {part_marker(meeting)}",
                expected,
                part_marker(meeting) in groups[meeting.group_id],
            )
    return problems


def probe(world: World, readers=None, meeting_markers=None) -> list[str]:
    """Every reader of `readers` (all by default) on every surface; see `probe_reader`."""
    problems = probe_public_feeds(world)
    for key in world.readers if readers is None else readers:
        problems += probe_reader(world, world.readers[key], meeting_markers)
    return problems
