"""The password rules, worded for our pages and translated by our own catalogue.

Django's validators keep their checks; their texts are replaced because Django's catalogues have no
Thai for them (and Indonesian only in part), and a rule a person cannot read is a rule they break.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character. A passphrase of several words is easy to remember.",
            "At least %(min_length)d characters. A passphrase of several words is easy to remember.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Compared with the person's name and email address (our user has a full name, no username)."""

    DEFAULT_USER_ATTRIBUTES = ("full_name", "email")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self):
        return _("This password is too close to your %(verbose_name)s.")

    def get_help_text(self):
        return _("Not close to your name or email address.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is one of the most common ones: choose another.")

    def get_help_text(self):
        return _("Not a commonly used password.")


class MaximumLengthValidator:
    """Long passphrases are welcome, but not megabytes of them."""

    max_length = 256

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: at most %(max)d characters."), code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self):
        return _("At most %(max)d characters.") % {"max": self.max_length}
