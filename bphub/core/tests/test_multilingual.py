import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from bphub.core.i18n import localize, validate_multilingual
from bphub.knowledge.models import Resource


def test_the_readers_language_is_picked_when_present():
    text = localize({"en": "Policy guide", "th": "คู่มือนโยบาย"}, "th")
    assert (text.text, text.language, text.is_fallback) == ("คู่มือนโยบาย", "th", False)


def test_english_is_the_fallback_and_says_so():
    text = localize({"en": "Policy guide", "th": "คู่มือนโยบาย"}, "id")
    assert (text.text, text.language, text.is_fallback) == ("Policy guide", "en", True)


def test_any_language_is_better_than_nothing():
    text = localize({"vi": "Hướng dẫn"}, "id")
    assert (text.text, text.language, text.is_fallback) == ("Hướng dẫn", "vi", True)


def test_unknown_language_codes_and_non_text_are_refused():
    with pytest.raises(ValidationError, match="xx"):
        validate_multilingual({"en": "ok", "xx": "?"})
    with pytest.raises(ValidationError):
        validate_multilingual({"en": 3})
    with pytest.raises(ValidationError):
        validate_multilingual(["en", "ok"])


def test_a_fallback_is_visibly_marked_in_pages():
    template = Template("{% load bphub %}{% translated value %}")
    with translation.override("th"):
        html = template.render(Context({"value": {"en": "Returns"}}))
    assert '<span lang="en">Returns</span>' in html and 'class="lang-mark"' in html and ">EN<" in html
    with translation.override("th"):
        html = template.render(Context({"value": {"en": "Returns", "th": "การส่งกลับ"}}))
    assert '<span lang="th">การส่งกลับ</span>' in html and "lang-mark" not in html


def test_the_model_keeps_every_language_version(db):
    resource = Resource.objects.create(
        title={"en": "Guide", "id": "Panduan", "km": "មគ្គុទ្ទេសក៍"},
        kind=Resource.Kind.POLICY_GUIDE,
        classification="public",
    )
    resource.refresh_from_db()
    assert resource.title == {"en": "Guide", "id": "Panduan", "km": "មគ្គុទ្ទេសក៍"}
    resource.title["xx"] = "bad"
    with pytest.raises(ValidationError):
        resource.full_clean()


def test_a_resource_page_shows_the_readers_language_or_marks_the_fallback(client, db):
    resource = Resource.objects.create(
        title={"en": "Guide on returns", "id": "Panduan pemulangan"},
        kind=Resource.Kind.POLICY_GUIDE,
        classification="public",
    )
    client.cookies["django_language"] = "id"
    assert "Panduan pemulangan" in client.get(f"/exchange/{resource.pk}/").content.decode()
    client.cookies["django_language"] = "th"
    page = client.get(f"/exchange/{resource.pk}/").content.decode()
    assert "Guide on returns" in page and "lang-mark" in page
