from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from bphub.accounts.models import User


class AuthenticationBackend(AllauthBackend):
    """allauth's backend; the signed-in user comes with their member and agency in one query
    (every page shows them and the policy reads them)."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("member", "agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
