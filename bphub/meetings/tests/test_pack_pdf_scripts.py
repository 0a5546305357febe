"""A pre-briefing PDF writes every script of the region: a font covering each is embedded (Debian's
Noto fonts, named in static/css/prebriefing.css) and no character is drawn as the empty box of a
missing glyph (.notdef)."""

import io
import logging

import pytest
from pypdf import PdfReader

from bphub.meetings.testing import make_document, make_meeting
from bphub.meetings.tests.test_pack_pdf import download, pdf_text
from bphub.members.models import Member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]

# A name in each script, and the font family that must be embedded for it.
NAMES = {
    "Thai": ("สมชาย ใจดี", "NotoSansThai"),
    "Lao": ("ສົມພອນ ວົງສາ", "NotoSansLao"),
    "Khmer": ("សុខ ចាន់ថា", "NotoSansKhmer"),
    "Myanmar": ("အောင်ကျော်", "NotoSansMyanmar"),
    "Bengali": ("রহিম উদ্দিন", "NotoSansBengali"),
    "Sinhala": ("සුනිල් පෙරේරා", "NotoSansSinhala"),
    "Devanagari": ("राम बहादुर", "NotoSansDevanagari"),
    "Tamil": ("முருகன்", "NotoSansTamil"),
    "Chinese": ("王小明", "NotoSansCJK"),
    "Arabic script": ("محمد علي", "NotoSansArabic"),
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def embedded_fonts(pdf: PdfReader) -> dict[str, object]:
    """Every font the pages use: resource name -> its PDF font dictionary."""
    fonts = {}
    for page in pdf.pages:
        for name, font in (page["/Resources"].get_object().get("/Font") or {}).items():
            fonts[name] = font.get_object()
    return fonts


def base_names(fonts) -> set[str]:
    """The embedded fonts' names, without a subset prefix or hyphens ("Noto-Sans-Thai" -> "NotoSansThai")."""
    names = set()
    for font in fonts.values():
        for each in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
            names.add(str(each["/BaseFont"]).lstrip("/").split("+")[-1].replace("-", ""))
    return names


def test_the_pack_embeds_a_font_for_every_script_of_the_region(client, login, make_user, media, caplog):
    # given a meeting whose key documents are named in every script the region writes
    host = Member.objects.create(code="TH", name={"en": "Thailand"}, kind=Member.Kind.STATE)
    meeting = make_meeting(title="Regional meeting", originator=host)
    for name, _font in NAMES.values():
        make_document(meeting, title=name, is_key=True)
    login(make_user("rso_staff"))

    # when an officer downloads its pre-briefing PDF (rendered by the worker, in this process)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = download(client, meeting)
    pdf = PdfReader(io.BytesIO(response.content))

    # then a Noto font of each script is embedded, and no character is drawn as an empty box
    embedded = base_names(embedded_fonts(pdf))
    for script, (_name, family) in NAMES.items():
        assert any(name.startswith(family) for name in embedded), f"no {family} for {script}: {sorted(embedded)}"
    # (WeasyPrint says so for every character no font has, drawn as .notdef: an empty box)
    assert not [record.getMessage() for record in caplog.records if ".notdef" in record.getMessage()]
    text = pdf_text(response).replace(" ", "")
    assert "王小明" in text and "สมชาย" in text
