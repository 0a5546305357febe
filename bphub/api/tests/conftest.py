import pytest


@pytest.fixture
def bearer():
    """Authorization headers with a fresh personal access token of `user`."""
    from bphub.api.services import token_create

    def make(user, **kwargs):
        _token, raw_token = token_create(user=user, name=kwargs.pop("name", "test"), **kwargs)
        return {"Authorization": f"Bearer {raw_token}"}

    return make


@pytest.fixture
def make_resource(db):
    from bphub.knowledge.models import Resource

    def make(title: str, classification: str = "public", originator=None, body=None, released_to=(), **fields):
        resource = Resource.objects.create(title={"en": title}, kind=fields.pop("kind", Resource.Kind.REPORT),
                                           classification=classification, originator=originator, body=body, **fields)
        resource.released_to.set(released_to)
        return resource

    return make


@pytest.fixture
def api_world(reference, settings, tmp_path):
    """Records on every route for the whole-API tests: the real reference data, an agency and focal
    points, public and members-only meetings with an agenda, a delegation, a document, outcomes and
    action items. Returns the records by name."""
    from bphub.core.models import Classification
    from bphub.directory.testing import make_agency, make_focal_point
    from bphub.meetings.models import Delegation
    from bphub.meetings.testing import (
        make_action,
        make_agenda,
        make_delegation,
        make_document,
        make_meeting,
        make_outcome,
        make_series,
    )
    from bphub.members.models import Body, Member

    settings.MEDIA_ROOT = tmp_path
    member = Member.objects.get(code="TH")
    body = Body.objects.order_by("code").first()
    agency = make_agency(member, name="Immigration Bureau", acronym="IB", classification=Classification.PUBLIC)
    person = make_focal_point(member, full_name="Somchai Public", agency=agency,
                              classification=Classification.PUBLIC)
    make_focal_point(member, full_name="Malee Members", agency=agency)
    series = make_series(code="WGX", group=body)
    public = make_meeting(title="Public meeting", classification=Classification.PUBLIC, originator=member,
                          body=body, series=series, number=1, host=member)
    members_only = make_meeting(title="Members meeting", originator=member, body=body, series=series, number=2)
    make_agenda(public, sessions=1, items_per_session=2)
    make_delegation(public, member, status=Delegation.Status.APPROVED, people=[person])
    document = make_document(public, title="Public paper")
    make_outcome(public, text="Agreed to meet again.")
    action = make_action(public, title="Share the guide", owner_member=member)
    make_action(members_only, title="Draft the report", owner_body=body)
    return {"member": member, "agency": agency, "person": person, "meeting": public, "members_meeting": members_only,
            "document": document, "action": action}
