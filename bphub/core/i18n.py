"""Multilingual human-written content.

A `MultilingualTextField` stores one text per language code as JSON ({"en": "...", "th": "..."}).
Reading it picks the reader's language, falls back to English, then to any language there is,
and says which language it returned so templates can mark it.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FALLBACK_LANGUAGE = "en"
# The empty choice of every select (Django 6.1's own label, whose catalogue has no Thai or
# Indonesian yet): ours, so the project's translations carry it. Set in CoreConfig.ready().
BLANK_CHOICE_LABEL = _("- Select an option -")


def content_language_codes() -> set[str]:
    return {code for code, _name in settings.CONTENT_LANGUAGES}


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def name_shows_code(name: str, code: str) -> bool:
    """Does `name` already show `code`, as "UN Action for Cooperation … (UN-ACT)" shows UN-ACT?

    Then "(UN-ACT)" is not written after it a second time.
    """
    name, code = (name or "").strip().casefold(), (code or "").strip().casefold()
    return bool(code) and (name == code or f"({code})" in name)


def with_code(name: str, code: str) -> str:
    """"Indonesia (ID)"; a name that already shows its code, or an empty code, as it is."""
    return name if not code or name_shows_code(name, code) else f"{name} ({code})"


def localize(value: dict | None, language: str | None = None) -> LocalizedText:
    """The version of `value` for `language` (default: the active one), else English, else any."""
    value = value or {}
    wanted = (language or get_language() or FALLBACK_LANGUAGE).lower()
    for code in (wanted, wanted.split("-")[0]):
        if value.get(code):
            return LocalizedText(value[code], code, False)
    if value.get(FALLBACK_LANGUAGE):
        return LocalizedText(value[FALLBACK_LANGUAGE], FALLBACK_LANGUAGE, True)
    for code, text in sorted(value.items()):
        if text:
            return LocalizedText(text, code, True)
    return LocalizedText("", wanted, False)


def validate_multilingual(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Expected an object of language code to text."), code="invalid")
    unknown = sorted(set(value) - content_language_codes())
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s."), code="unknown_language", params={"codes": ", ".join(unknown)}
        )
    for code, text in value.items():
        if not isinstance(text, str):
            raise ValidationError(_("The %(code)s text must be a string."), code="invalid", params={"code": code})


class MultilingualWidget(forms.MultiWidget):
    """One input per interface language; other content languages are kept as they were."""

    template_name = "core/widgets/multilingual.html"

    def __init__(self, textarea: bool = False, attrs=None):
        self.languages = [code for code, _name in settings.LANGUAGES]
        widget = forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput()
        super().__init__([widget] * len(self.languages), attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        names = dict(settings.LANGUAGES)
        for code, sub in zip(self.languages, context["widget"]["subwidgets"], strict=False):
            sub["language"] = code
            sub["language_name"] = names[code]
        return context


class MultilingualFormField(forms.MultiValueField):
    def __init__(self, *, textarea: bool = False, require_english: bool = True, **kwargs):
        self.languages = [code for code, _name in settings.LANGUAGES]
        self.require_english = require_english
        kwargs.pop("max_length", None)
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        fields = [forms.CharField(required=False) for _code in self.languages]
        super().__init__(fields, widget=MultilingualWidget(textarea=textarea), require_all_fields=False, **kwargs)

    def compress(self, data_list):
        pairs = zip(self.languages, data_list or [], strict=False)
        data = {code: text.strip() for code, text in pairs if text and text.strip()}
        if self.required and self.require_english and not data.get(FALLBACK_LANGUAGE):
            raise ValidationError(_("Give at least the English text."), code="english_required")
        return data


class MultilingualTextField(models.JSONField):
    """Several language versions of one human-written text."""

    def __init__(self, *args, textarea: bool = False, **kwargs):
        self.textarea = textarea
        kwargs.setdefault("default", dict)
        kwargs.setdefault("validators", [validate_multilingual])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.textarea:
            kwargs["textarea"] = True
        kwargs.pop("validators", None)
        if kwargs.get("default") is dict:
            kwargs.pop("default")
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return MultilingualFormField(
            textarea=self.textarea, required=not self.blank, label=self.verbose_name, help_text=self.help_text
        )
