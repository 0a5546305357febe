"""A pre-briefing PDF writes every script of the region: a font covering each is embedded (Debian's
Noto fonts, named in static/css/prebriefing.css) and no glyph is drawn as the empty box of a
missing one (.notdef, glyph 0)."""

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

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
    """The embedded fonts' names without the subset prefix ("ABCDEF+NotoSansThai-Regular")."""
    names = set()
    for font in fonts.values():
        for each in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
            names.add(str(each["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def notdef_glyphs_drawn(pdf: PdfReader) -> int:
    """How many glyphs the pages draw as glyph 0, the box of a missing character."""
    drawn = 0
    for page in pdf.pages:
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            if operator == b"Tj":
                runs = [operands[0]]
            elif operator == b"TJ":
                runs = [item for item in operands[0] if isinstance(item, bytes | str)]
            else:
                continue
            for run in runs:
                raw = run if isinstance(run, bytes) else run.original_bytes
                drawn += sum(1 for i in range(0, len(raw) - 1, 2) if raw[i : i + 2] == b"\x00\x00")
    return drawn


def test_the_pack_embeds_a_font_for_every_script_of_the_region(client, login, make_user, media):
    # given a meeting whose key documents are named in every script the region writes
    host = Member.objects.create(code="TH", name={"en": "Thailand"}, kind=Member.Kind.STATE)
    meeting = make_meeting(title="Regional meeting", originator=host)
    for name, _font in NAMES.values():
        make_document(meeting, title=name, is_key=True)
    login(make_user("rso_staff"))

    # when an officer downloads its pre-briefing PDF
    response = download(client, meeting)
    pdf = PdfReader(io.BytesIO(response.content))

    # then a Noto font of each script is embedded, and no character is drawn as an empty box
    embedded = base_names(embedded_fonts(pdf))
    for script, (_name, family) in NAMES.items():
        assert any(name.startswith(family) for name in embedded), f"no {family} for {script}: {sorted(embedded)}"
    assert notdef_glyphs_drawn(pdf) == 0
    text = pdf_text(response).replace(" ", "")
    assert "王小明" in text and "สมชาย" in text
