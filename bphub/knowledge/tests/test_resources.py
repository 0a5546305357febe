from bphub.core.models import AuditEvent, Classification
from bphub.knowledge.models import Resource
from bphub.members.models import Member


def _restricted(originator, released_to):
    resource = Resource.objects.create(
        title={"en": "Forged visa foils alert"},
        kind=Resource.Kind.ALERT,
        classification=Classification.RESTRICTED,
        originator=originator,
    )
    resource.released_to.set(released_to)
    return resource


def test_reading_a_restricted_record_is_audited(client, reference, make_user, login):
    thailand, malaysia = Member.objects.get(code="TH"), Member.objects.get(code="MY")
    alert = _restricted(thailand, [malaysia])
    reader = make_user("member_official", malaysia)
    login(reader)
    assert client.get(f"/exchange/{alert.pk}/").status_code == 200
    event = AuditEvent.objects.get(verb="record.read")
    assert event.actor == reader and event.target_id == str(alert.pk) and event.data["classification"] == "restricted"


def test_a_record_one_may_not_see_answers_exactly_like_a_missing_one(client, reference, make_user, login):
    alert = _restricted(Member.objects.get(code="TH"), [])
    login(make_user("member_official", Member.objects.get(code="VN")))
    hidden, missing = client.get(f"/exchange/{alert.pk}/"), client.get("/exchange/999999/")
    assert hidden.status_code == missing.status_code == 404

    def main_of(response):  # the page around it differs only by per-request tokens and paths
        html = response.content.decode()
        return html[html.index("<main"):html.index("</main>")]

    assert main_of(hidden) == main_of(missing)
    assert not AuditEvent.objects.filter(verb="record.read").exists()


def test_a_coordinator_adds_a_restricted_resource_for_named_members(client, reference, make_user, login):
    thailand, malaysia = Member.objects.get(code="TH"), Member.objects.get(code="MY")
    login(make_user("member_coordinator", thailand))
    response = client.post(
        "/exchange/new/",
        {
            "title_0": "Alert on forged stamps",
            "title_1": "",
            "title_2": "",
            "summary_0": "",
            "summary_1": "",
            "summary_2": "",
            "kind": "alert",
            "classification": "restricted",
            "released_to": [malaysia.pk],
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get(title__en="Alert on forged stamps")
    assert resource.originator == thailand and list(resource.released_to.all()) == [malaysia]
    assert AuditEvent.objects.filter(verb="resource.created", target_id=str(resource.pk)).exists()


def test_a_resource_without_english_title_is_refused_and_nothing_saved(client, reference, make_user, login):
    login(make_user("member_coordinator", Member.objects.get(code="TH")))
    response = client.post(
        "/exchange/new/",
        {"title_0": "", "title_1": "Judul", "title_2": "", "kind": "report", "classification": "members"},
    )
    assert response.status_code == 200
    assert "Give at least the English text." in response.content.decode()
    assert not Resource.objects.exists()


def test_a_member_cannot_classify_as_secretariat_only(client, reference, make_user, login):
    login(make_user("member_coordinator", Member.objects.get(code="TH")))
    response = client.post(
        "/exchange/new/",
        {"title_0": "Internal", "title_1": "", "title_2": "", "kind": "report", "classification": "secretariat"},
    )
    assert response.status_code == 200
    assert "Only the RSO can classify" in response.content.decode()
    assert not Resource.objects.exists()


def test_body_records_need_a_body(client, reference, make_user, login):
    login(make_user("rso_staff"))
    response = client.post(
        "/exchange/new/",
        {"title_0": "WG note", "title_1": "", "title_2": "", "kind": "report", "classification": "body"},
    )
    assert response.status_code == 200
    assert "Name the body" in response.content.decode()
    assert not Resource.objects.exists()


def test_the_library_list_query_count_does_not_grow_with_its_length(client, reference, make_user, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(make_user("member_official"))
    client.get("/exchange/")  # the first request after sign-in records the session

    def queries_for_list():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/exchange/").status_code == 200
        return len(context.captured_queries)

    Resource.objects.create(title={"en": "Guide 0"}, kind=Resource.Kind.POLICY_GUIDE, classification="public")
    few = queries_for_list()
    for number in range(1, 25):
        Resource.objects.create(
            title={"en": f"Guide {number}"}, kind=Resource.Kind.POLICY_GUIDE, classification="public"
        )
    assert queries_for_list() == few <= 12


def test_searching_the_library_looks_in_the_title_texts_not_the_language_codes(client, db):
    # given public resources, one with an Indonesian title as well
    guide = Resource.objects.create(title={"en": "Guide"}, kind=Resource.Kind.POLICY_GUIDE, classification="public")
    enforcement = Resource.objects.create(
        title={"en": "Border enforcement"}, kind=Resource.Kind.REPORT, classification="public"
    )
    handbook = Resource.objects.create(
        title={"en": "Screening handbook", "id": "Panduan penyaringan"}, kind=Resource.Kind.TOOLKIT,
        classification="public",
    )

    def found(q):
        page = client.get("/exchange/", {"q": q}).content.decode()
        return {resource for resource in (guide, enforcement, handbook) if f'href="/exchange/{resource.pk}/"' in page}

    # when / then: "en" is the English language code, not a word in "Guide"
    assert found("en") == {enforcement, handbook}
    # when / then: any language version counts, whatever the case
    assert found("pand") == found("PAND") == {handbook}
    assert found("guide") == {guide}
