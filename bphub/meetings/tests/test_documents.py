"""Meeting documents: uploads checked by content, versions, text extracted for search, downloads
through the policy, the search page and the meeting page's documents panel."""

import hashlib
import io
import zipfile

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import Delegation, Document, DocumentVersion, Meeting
from bphub.meetings.services import documents as documents_service
from bphub.meetings.services.documents import text_extract
from bphub.meetings.testing import MINIMAL_PDF, make_delegation, make_document, make_meeting, make_person
from bphub.members.models import Body, Member

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def members(db):
    return {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in ("AA", "BB", "CC")
    }


@pytest.fixture
def rso(make_user):
    return make_user("rso_staff")


@pytest.fixture
def meeting(db):
    return make_meeting(title="Working group on returns", status=Meeting.Status.REGISTRATION_OPEN)


def smuggling_pdf() -> bytes:
    return weasyprint.HTML(string="<p>The smuggling corridor through the strait</p>").write_pdf()


def docx_bytes(text: str) -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(files: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(client, meeting, content: bytes, name: str, **fields):
    data = {
        "upload": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "doc_type": fields.pop("doc_type", Document.Type.BACKGROUND),
        "title_0": fields.pop("title", "Background paper"),
        "language": fields.pop("language", "en"),
        "classification": fields.pop("classification", meeting.classification),
        **fields,
    }
    return client.post(f"/meetings/{meeting.pk}/documents/new/", data)


# -- upload and download ------------------------------------------------------------------------


def test_an_uploaded_pdf_becomes_a_document_downloaded_with_its_name_and_sniffed_type(rso, login, client, meeting):
    login(rso)
    content = smuggling_pdf()

    response = upload(client, meeting, content, "Concept note (final).pdf", doc_type="concept_note", is_key="on")

    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/documents/{document.pk}/"
    version = document.current_version
    assert (version.number, version.content_type, version.size) == (1, "application/pdf", len(content))
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert document.is_key and document.doc_type == "concept_note" and document.created_by == rso
    download = client.get(f"/meetings/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert "Concept note (final).pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == content
    assert AuditEvent.objects.filter(verb="document.uploaded", target_id=str(document.pk)).exists()


def test_a_renamed_program_is_refused_naming_the_file_and_what_it_is(rso, login, client, meeting):
    login(rso)
    response = upload(client, meeting, EXE, "agenda.pdf")
    page = response.content.decode()
    assert response.status_code == 200
    assert "“agenda.pdf” was refused" in page and "EXE" in page and "application/x-msdownload" in page
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_a_zip_that_is_not_an_office_document_is_refused(rso, login, client, meeting):
    login(rso)
    response = upload(client, meeting, zip_bytes({"notes.txt": "hello", "report.pdf": MINIMAL_PDF}), "pack.docx")
    assert "is a ZIP archive, not a Word" in response.content.decode()
    assert not Document.objects.exists()


def test_a_zip_bomb_dressed_as_a_word_document_is_refused(rso, login, client, meeting):
    login(rso)
    bomb = zip_bytes(
        {"[Content_Types].xml": "<Types/>", "word/document.xml": b"\x00" * (300 * 1024 * 1024)},
    )
    assert len(bomb) < 2 * 1024 * 1024
    response = upload(client, meeting, bomb, "minutes.docx")
    assert "would expand to" in response.content.decode()
    assert not Document.objects.exists()


def test_a_word_document_with_macros_is_refused(rso, login, client, meeting):
    login(rso)
    macro = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"})
    response = upload(client, meeting, macro, "minutes.docx")
    assert "contains macros" in response.content.decode()


def test_a_file_over_25_mb_is_refused(rso, login, client, meeting):
    login(rso)
    response = upload(client, meeting, b"a" * (25 * 1024 * 1024 + 1), "big.txt")
    page = response.content.decode()
    assert "“big.txt” was refused" in page and "the limit is 25 MB" in page
    assert not Document.objects.exists()


@pytest.mark.parametrize(("content", "name"), [(b"hello\x00world", "nul.txt"), (b"caf\xe9 latin-1", "latin.csv")])
def test_text_must_be_utf8_without_nul(rso, login, client, meeting, content, name):
    login(rso)
    response = upload(client, meeting, content, name)
    assert f"“{name}” was refused" in response.content.decode()
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(rso, login, client, meeting):
    login(rso)
    response = upload(client, meeting, b"", "empty.txt")
    assert response.status_code == 200 and "empty" in response.content.decode()
    assert not Document.objects.exists()


def test_csv_text_is_accepted_served_as_csv_and_found_with_or_without_accents(rso, login, client, meeting):
    login(rso)
    upload(client, meeting, "country,arrivals\nThái Lan,12\n".encode(), "arrivals.csv", title="Arrivals")
    assert Document.objects.get().current_version.content_type == "text/csv"
    assert "Arrivals" in client.get("/meetings/documents/?q=THÁI").content.decode()
    assert "Arrivals" in client.get("/meetings/documents/?q=thai+lan").content.decode()


def test_a_document_cannot_be_read_more_widely_than_its_meeting(rso, login, client, members):
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["AA"], released_to=[members["BB"]]
    )
    login(rso)

    wider = upload(client, meeting, MINIMAL_PDF, "a.pdf", classification="members")
    outside = upload(client, meeting, MINIMAL_PDF, "a.pdf", classification="restricted", released_to=[members["CC"].pk])

    assert wider.status_code == 200 and 'value="members"' not in wider.content.decode()
    assert outside.status_code == 200
    assert not Document.objects.exists()


def test_a_restricted_document_is_released_to_the_meetings_members_by_default(rso, login, client, members):
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["AA"], released_to=[members["BB"]]
    )
    login(rso)
    upload(client, meeting, MINIMAL_PDF, "a.pdf", classification="restricted")
    document = Document.objects.get()
    assert list(document.released_to.values_list("code", flat=True)) == ["BB"]
    assert document.originator == members["AA"]


def test_only_managers_upload(make_user, login, client, meeting, members):
    login(make_user("member_coordinator", members["AA"]))
    assert client.get(f"/meetings/{meeting.pk}/documents/new/").status_code == 404
    assert upload(client, meeting, MINIMAL_PDF, "a.pdf").status_code == 404
    assert not Document.objects.exists()


# -- versions -----------------------------------------------------------------------------------


def test_a_new_version_becomes_current_and_the_old_one_stays_downloadable(rso, login, client, meeting):
    login(rso)
    upload(client, meeting, docx_bytes("first draft"), "draft.docx")
    document = Document.objects.get()

    response = client.post(
        f"/meetings/documents/{document.pk}/versions/new/",
        {"upload": SimpleUploadedFile("final.pdf", smuggling_pdf()), "note": "Agreed text"},
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 2 and document.current_version.note == "Agreed text"
    assert "smuggling corridor" in document.search_text and "first draft" not in document.search_text
    old = client.get(f"/meetings/documents/{document.pk}/download/?version=1")
    assert "draft.docx" in old["Content-Disposition"]
    assert old["Content-Type"] == documents_service.DOCX
    assert "final.pdf" in client.get(f"/meetings/documents/{document.pk}/download/")["Content-Disposition"]
    assert client.get(f"/meetings/documents/{document.pk}/download/?version=7").status_code == 404
    page = client.get(f"/meetings/documents/{document.pk}/").content.decode()
    assert "draft.docx" in page and "final.pdf" in page


def test_a_refused_new_version_changes_nothing(rso, login, client, meeting):
    document = make_document(meeting)
    login(rso)
    response = client.post(
        f"/meetings/documents/{document.pk}/versions/new/", {"upload": SimpleUploadedFile("v2.pdf", EXE)}
    )
    assert "“v2.pdf” was refused" in response.content.decode()
    assert document.versions.count() == 1


# -- text extraction and search -----------------------------------------------------------------


def test_a_pdf_is_found_by_a_word_inside_it(rso, make_user, login, client, meeting, members):
    login(rso)
    upload(client, meeting, smuggling_pdf(), "analysis.pdf", title="Regional analysis")

    login(make_user("member_official", members["CC"]))
    found = client.get("/meetings/documents/?q=Smuggling+CORRIDOR").content.decode()
    missed = client.get("/meetings/documents/?q=trafficking").content.decode()

    assert "Regional analysis" in found
    assert "Regional analysis" not in missed
    assert "smuggling corridor" in DocumentVersion.objects.get().extracted_text.lower()


def test_the_search_lists_only_documents_the_reader_may_see(make_user, login, client, members):
    restricted = make_meeting(classification=Classification.RESTRICTED, originator=members["AA"])
    make_document(restricted, title="Closed paper on corridors", text="corridor")
    make_document(make_meeting(), title="Open paper on corridors", text="corridor")
    login(make_user("member_official", members["BB"]))

    page = client.get("/meetings/documents/?q=corridor").content.decode()

    assert "Open paper on corridors" in page and "Closed paper on corridors" not in page


def test_approved_participants_find_their_meetings_documents(make_user, login, client, members):
    body = Body.objects.create(code="WGP", name={"en": "WG P"}, kind=Body.Kind.WORKING_GROUP)
    meeting = make_meeting(classification=Classification.MEMBERS, originator=members["AA"], group=body)
    make_document(meeting, title="Participants brief", text="corridor", classification=Classification.BODY, body=body)
    make_document(
        meeting,
        title="Named brief",
        text="corridor",
        released_to=[members["AA"]],
        classification=Classification.RESTRICTED,
    )
    official = make_user("member_official", members["BB"])
    make_delegation(
        meeting, members["BB"], status=Delegation.Status.APPROVED, people=[make_person(members["BB"], user=official)]
    )
    login(official)
    page = client.get("/meetings/documents/?q=corridor").content.decode()
    assert "Participants brief" in page
    assert "Named brief" not in page  # a grant never opens what is released to another member


def test_an_unreadable_file_is_accepted_without_text_and_with_a_note(rso, login, client, meeting):
    login(rso)
    response = upload(client, meeting, b"%PDF-1.4\nnot really a pdf at all\n%%EOF", "broken.pdf")
    assert response.status_code == 302
    assert "could not be read" in client.get(response["Location"]).content.decode()
    document = Document.objects.get()
    assert document.current_version.extracted_text == ""
    assert document.search_text.startswith("background paper")


def test_the_search_page_keeps_to_a_few_queries(rso, login, client, meeting, django_assert_max_num_queries):
    for number in range(30):
        make_document(meeting, title=f"Paper {number}")
    login(rso)
    client.get("/meetings/documents/")
    with django_assert_max_num_queries(10):
        response = client.get("/meetings/documents/")
    assert response.content.decode().count("/download/") == 25


def test_large_files_are_read_by_a_task_after_the_upload(
    rso, login, client, meeting, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(documents_service, "EXTRACT_INLINE_MAX", 100)
    login(rso)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, meeting, docx_bytes("maritime corridor study"), "study.docx")
    document = Document.objects.get()
    assert "maritime" not in document.search_text
    task = DBTaskResult.objects.get(task_path="bphub.meetings.services.documents.document_version_extract")

    documents_service.document_version_extract.call(**task.args_kwargs["kwargs"])

    document.refresh_from_db()
    assert "maritime corridor study" in document.search_text


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx", "odt", "txt"])
def test_text_is_extracted_from_office_documents(kind):
    import openpyxl
    import pptx

    buffer = io.BytesIO()
    if kind == "docx":
        buffer = io.BytesIO(docx_bytes("joint border patrols"))
    elif kind == "xlsx":
        workbook = openpyxl.Workbook()
        workbook.active["A1"] = "joint border patrols"
        workbook.save(buffer)
    elif kind == "pptx":
        deck = pptx.Presentation()
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = "joint border patrols"
        deck.save(buffer)
    elif kind == "odt":
        buffer = io.BytesIO(
            zip_bytes(
                {
                    "mimetype": documents_service.ODT,
                    "content.xml": "<office:text><text:p>joint border &amp; patrols</text:p></office:text>",
                }
            )
        )
    else:
        buffer = io.BytesIO(b"joint border patrols")
    content_type = {
        "docx": documents_service.DOCX,
        "xlsx": documents_service.XLSX,
        "pptx": documents_service.PPTX,
        "odt": documents_service.ODT,
        "txt": documents_service.TEXT,
    }[kind]
    text, note = text_extract(buffer, content_type)
    assert "joint border" in text and "patrols" in text and note == ""


def test_extracted_text_is_capped(monkeypatch):
    text, note = text_extract(io.BytesIO(b"word " * 400_000), documents_service.TEXT)
    assert len(text) <= documents_service.EXTRACTED_TEXT_CAP
    assert "first part" in note


# -- reading through the policy -----------------------------------------------------------------


def test_a_restricted_document_is_404_to_a_member_not_named_and_its_reads_are_audited(
    make_user, login, client, members
):
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["AA"], released_to=[members["BB"]]
    )
    document = make_document(meeting, title="Named only")

    login(make_user("member_official", members["CC"]))
    assert client.get(f"/meetings/documents/{document.pk}/").status_code == 404
    assert client.get(f"/meetings/documents/{document.pk}/download/").status_code == 404

    reader = make_user("member_official", members["BB"])
    login(reader)
    assert client.get(f"/meetings/documents/{document.pk}/download/").status_code == 200
    assert AuditEvent.objects.filter(verb="record.read", actor=reader, target_id=str(document.pk)).exists()


def test_the_public_downloads_public_documents_only(client, members):
    public = make_document(make_meeting(classification=Classification.PUBLIC), title="Public paper")
    members_only = make_document(make_meeting(), title="Members paper")
    assert client.get(f"/meetings/documents/{public.pk}/download/").status_code == 200
    assert client.get(f"/meetings/documents/{members_only.pk}/download/").status_code == 404


# -- the meeting page's documents panel ---------------------------------------------------------


def render_panel(meeting, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load meetings_participation %}{% documents_panel meeting %}").render(
        Context({"meeting": meeting, "request": request, "user": user})
    )


def test_the_documents_panel_lists_what_the_reader_may_read_in_few_queries(
    make_user, members, django_assert_max_num_queries
):
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["AA"], released_to=[members["BB"]]
    )
    make_document(meeting, title="For BB too")
    make_document(meeting, title="For AA only", released_to=[members["AA"]])
    make_document(meeting, title="RSO only", classification=Classification.SECRETARIAT)
    reader = make_user("member_official", members["BB"])

    # One of the four asks whether the reader is an approved participant (on the meeting page the
    # agenda has asked already); a second rendering comes from the fragment cache.
    with django_assert_max_num_queries(4):
        html = render_panel(meeting, reader)
    with django_assert_max_num_queries(0):
        assert render_panel(meeting, reader) == html

    assert "For BB too" in html and "For AA only" not in html and "RSO only" not in html
    assert "/download/" in html and "v1" in html and "Add a document" not in html


def test_the_documents_panel_offers_managers_the_upload(rso, meeting, django_assert_max_num_queries):
    make_document(meeting, title="Agenda")
    with django_assert_max_num_queries(3):
        html = render_panel(meeting, rso)
    assert "Agenda" in html and f"/meetings/{meeting.pk}/documents/new/" in html


def test_upload_page_offers_only_classifications_within_the_meetings(rso, login, client, members):
    meeting = make_meeting(classification=Classification.RESTRICTED, originator=members["AA"])
    login(rso)
    page = client.get(f"/meetings/{meeting.pk}/documents/new/").content.decode()
    assert 'value="restricted"' in page and 'value="secretariat"' in page
    assert 'value="public"' not in page and 'value="members"' not in page
