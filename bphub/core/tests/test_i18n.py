"""The interface speaks Bahasa Indonesia and Thai as well as English.

The catalogues live in locale/<lang>/LC_MESSAGES; the compiled .mo files are committed, so
neither the app nor CI needs GNU gettext. `make messages` refreshes them.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from bphub.accounts.models import Role
from bphub.core.context_processors import AREAS
from bphub.core.models import Classification

TRANSLATED = ("id", "th")

# What the layout shows on every page, beside the areas.
LAYOUT_LABELS = [
    "People",
    "Audit log",
    "Skip to content",
    "Sign in",
    "Sign out",
    "Language",
    "Change",
    "Main",
    "Security",
    "Sessions",
    "Bali Process coordination hub",
    "Regional Support Office of the Bali Process on People Smuggling, Trafficking in Persons"
    " and Related Transnational Crime",
]


def english(lazy) -> str:
    with translation.override("en"):
        return str(lazy)


AREA_LABELS = [english(label) for _key, label, _url in AREAS]
NAV_LABELS = AREA_LABELS + LAYOUT_LABELS

# A few translations pinned, so a broken catalogue shows up as a readable failure.
EXPECTED = {
    "id": {"Meetings": "Pertemuan", "Home": "Beranda", "Sign in": "Masuk", "Audit log": "Log audit"},
    "th": {"Meetings": "การประชุม", "Home": "หน้าแรก", "Sign in": "เข้าสู่ระบบ", "Audit log": "บันทึกการตรวจสอบ"},
}

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(language: str) -> dict:
    mo = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def choose_language(client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_is_committed(language):
    catalog = catalogue(language)
    assert len(catalog) > 100, "locale/<lang>/LC_MESSAGES/django.mo is missing or nearly empty: run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("label", NAV_LABELS)
def test_every_navigation_label_is_translated(language, label):
    result = translated(language, label)
    assert result.strip(), f"{label!r} has an empty {language} translation"
    assert result != label, f"{label!r} is not translated into {language}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_roles_and_classifications_are_translated(language):
    for choice in [*Role, *Classification]:
        label = english(choice.label)
        assert translated(language, label) != label, f"{label!r} untranslated in {language}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    for msgid, msgstr in catalogue(language).items():
        if not msgid or not isinstance(msgid, str):
            continue
        assert msgstr.strip(), f"empty {language} translation for {msgid!r}"
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), (
            f"{language} translation of {msgid!r} changes its placeholders: {msgstr!r}"
        )


def test_english_is_the_default(client, db):
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="en"' in html
    for label in AREA_LABELS:
        assert f">{label}<" in html.replace("&amp;", "&")


@pytest.mark.parametrize("language", TRANSLATED)
def test_choosing_a_language_translates_the_navigation(client, db, language):
    choose_language(client, language)
    html = client.get("/").content.decode().replace("&amp;", "&")
    assert f'<html lang="{language}"' in html
    for english, local in EXPECTED[language].items():
        assert translated(language, english) == local
    for label in AREA_LABELS:
        assert f">{translated(language, label)}<" in html
    assert translated(language, "Skip to content") in html
    assert translated(language, "Sign in") in html
    assert ">Meetings<" not in html


@pytest.mark.parametrize("language", TRANSLATED)
def test_browser_language_is_honoured(client, db, language):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}"' in html
    assert translated(language, "Meetings") in html


@pytest.mark.parametrize("language", TRANSLATED)
def test_signed_in_layout_is_translated(client, make_user, login, language):
    login(make_user(Role.RSO_ADMIN))
    choose_language(client, language)
    html = client.get("/").content.decode()
    assert f'<html lang="{language}"' in html
    for label in ("People", "Audit log", "Sign out", "Security", "Sessions"):
        assert translated(language, label) in html, label


def test_a_signed_in_persons_language_preference_applies(client, make_user, login):
    login(make_user(Role.MEMBER_OFFICIAL, language="th"))
    html = client.get("/").content.decode()
    assert '<html lang="th"' in html
    assert translated("th", "Meetings") in html
