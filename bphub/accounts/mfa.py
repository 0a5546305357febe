"""Recovery codes kept as salted hashes only.

allauth derives its recovery codes from a stored seed, so the database could regenerate them.
Here the codes are shown once (MFA_RECOVERY_CODES_SHOW_ONCE); when the person has seen them, the
seed is replaced by a salted PBKDF2 hash of each code, and a code is checked against the hashes.
"""

import hashlib
import hmac
import secrets

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal import auth as recovery_auth
from allauth.mfa.recovery_codes.internal import flows as recovery_flows
from django.db import transaction

PBKDF2_ITERATIONS = 200_000


def _normalize(code: str) -> str:
    """People copy codes with spaces or dashes between the groups of digits."""
    return "".join((code or "").split()).replace("-", "")


def _hash(code: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", _normalize(code).encode(), bytes.fromhex(salt), PBKDF2_ITERATIONS).hex()


class HashedRecoveryCodes(recovery_auth.RecoveryCodes):
    """allauth's recovery codes, kept as salted hashes from the moment they are first shown.

    Once hashed, the codes themselves are gone: the pages show them masked ("****"), counted from
    the hashes, and a code is checked against the hashes only.
    """

    MASK = "****"

    def __init__(self, instance: Authenticator) -> None:
        super().__init__(instance)
        # The clear codes of the one request that shows them (the first view), then never again.
        self._shown_codes: list[str] | None = None

    @property
    def is_hashed(self) -> bool:
        return "hashes" in self.instance.data

    def generate_codes(self) -> list[str]:
        if self.is_hashed:
            return [self.MASK] * len(self.instance.data["hashes"])
        return super().generate_codes()

    def get_unused_codes(self) -> list[str]:
        if self._shown_codes is not None:
            return list(self._shown_codes)
        if self.is_hashed:
            return [self.MASK] * self.unused_count
        return super().get_unused_codes()

    def mark_as_viewed(self) -> None:
        super().mark_as_viewed()
        self.hash_codes()

    def hash_codes(self) -> None:
        """Replace the seed by a salted hash of each unused code; this wrapper still shows them once."""
        if self.is_hashed:
            return
        salt = secrets.token_hex(16)
        codes = super().get_unused_codes()
        self.instance.data = {
            "salt": salt,
            "hashes": [_hash(code, salt) for code in codes],
            "viewed_at": self.instance.data.get("viewed_at"),
            "used_mask": 0,
        }
        self.instance.save(update_fields=["data"])
        self._shown_codes = codes

    @transaction.atomic
    def validate_code(self, code: str) -> bool:
        code = _normalize(code)
        if not self.is_hashed:
            return super().validate_code(code)
        if len(code) != app_settings.RECOVERY_CODE_DIGITS:
            return False  # a TOTP code: skip the slow hash
        self.instance = Authenticator.objects.select_for_update().get(pk=self.instance.pk)
        hashes = self.instance.data["hashes"]
        candidate = _hash(code, self.instance.data["salt"])
        for index, stored in enumerate(hashes):
            if stored and hmac.compare_digest(stored, candidate):
                hashes[index] = ""  # used: it never works again
                self.instance.data["hashes"] = hashes
                self.instance.save(update_fields=["data"])
                return True
        return False

    @property
    def unused_count(self) -> int:
        if self.is_hashed:
            return sum(1 for stored in self.instance.data["hashes"] if stored)
        return len(super().get_unused_codes())


def install() -> None:
    """Make allauth use the hashed recovery codes (called from AccountsConfig.ready).

    Single-use TOTP codes need nothing here: allauth (>= 65.22, pinned) remembers a used code in
    the shared cache for the whole tolerance window."""
    recovery_auth.RecoveryCodes = HashedRecoveryCodes
    recovery_flows.RecoveryCodes = HashedRecoveryCodes
