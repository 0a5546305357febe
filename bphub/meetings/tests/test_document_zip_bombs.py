"""Meeting documents that are ZIP bombs: measured by what they really expand to, never by what
their directory says, before any parser opens them."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bphub.meetings.models import Document, DocumentVersion, Meeting
from bphub.meetings.services.documents import DOCX, ODT, text_extract
from bphub.meetings.testing import make_meeting

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def meeting(db):
    return make_meeting(title="Working group on returns", status=Meeting.Status.REGISTRATION_OPEN)


def lying_zip(files: dict[str, bytes], *, stated_size: int = 1024) -> bytes:
    """A ZIP whose central directory and local headers say every entry is `stated_size` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    data = bytearray(buffer.getvalue())
    stated = stated_size.to_bytes(4, "little")
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:  # central directory: size at +24
        data[position + 24 : position + 28] = stated
        position += 4
    position = 0
    while (position := data.find(b"PK\x03\x04", position)) != -1:  # local header: size at +22
        data[position + 22 : position + 26] = stated
        position += 4
    return bytes(data)


def docx_bomb() -> bytes:
    return lying_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"\x00" * (300 * MIB),
        }
    )


def upload(client, meeting, content: bytes, name: str):
    return client.post(
        f"/meetings/{meeting.pk}/documents/new/",
        {
            "upload": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
            "doc_type": Document.Type.BACKGROUND,
            "title_0": "Minutes",
            "language": "en",
            "classification": meeting.classification,
        },
    )


def test_the_crafted_bomb_states_small_sizes():
    # The premise: read by its directory alone, the bomb looks like a 3 KB document.
    bomb = docx_bomb()
    stated = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert len(bomb) < 1 * MIB and stated == 3 * 1024


def test_a_docx_whose_directory_understates_its_sizes_is_refused_naming_the_file(make_user, login, client, meeting):
    # given an RSO staff member and a 300 MiB bomb whose entries claim 1 KB each
    login(make_user("rso_staff"))

    # when they upload it as minutes
    response = upload(client, meeting, docx_bomb(), "minutes.docx")

    # then it is refused, saying which file and why, and nothing is stored
    page = response.content.decode()
    assert response.status_code == 200
    assert "“minutes.docx” was refused" in page
    assert "would expand to more than 100 MB" in page and "ZIP bomb" in page
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_an_honest_high_ratio_zip_is_still_refused_by_the_ratio(make_user, login, client, meeting):
    # 60 MiB of zeros in a ~60 KB file: under the size limit, far over any real document's ratio
    login(make_user("rso_staff"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (60 * MIB))

    response = upload(client, meeting, buffer.getvalue(), "report.docx")

    assert "“report.docx” was refused" in response.content.decode()
    assert "would expand to 60 MB" in response.content.decode()
    assert not Document.objects.exists()


def test_an_odf_bomb_cannot_hide_behind_its_mimetype_entry(make_user, login, client, meeting):
    login(make_user("rso_staff"))
    bomb = lying_zip({"mimetype": ODT.encode(), "content.xml": b" " * (200 * MIB)})

    response = upload(client, meeting, bomb, "notes.odt")

    assert "“notes.odt” was refused" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize("content_type", [DOCX, ODT])
def test_text_extraction_does_not_open_a_stored_bomb(content_type):
    # A version stored before uploads were measured: the extractor refuses it and says so.
    text, note = text_extract(io.BytesIO(docx_bomb()), content_type)
    assert text == ""
    assert "expands to far more than any real document" in note


def test_a_real_word_document_is_still_accepted(make_user, login, client, meeting):
    import docx

    login(make_user("rso_staff"))
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Returns and readmission")
    document.save(buffer)

    response = upload(client, meeting, buffer.getvalue(), "minutes.docx")

    assert response.status_code == 302
    assert DocumentVersion.objects.get().content_type == DOCX


def test_a_docx_with_a_damaged_compressed_part_is_refused_not_an_error(make_user, login, client, meeting):
    # The directory is intact, the deflated bytes of word/document.xml are not.
    login(make_user("rso_staff"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "text " * 5000 + "</w:document>")
    data = bytearray(buffer.getvalue())
    start = data.find(b"word/document.xml") + len("word/document.xml")
    data[start + 10 : start + 60] = b"\xff" * 50

    response = upload(client, meeting, bytes(data), "minutes.docx")

    assert response.status_code == 200
    assert "“minutes.docx” was refused: it looks like a ZIP archive but cannot be opened." in response.content.decode()
    assert not Document.objects.exists()
