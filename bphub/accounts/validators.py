from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
