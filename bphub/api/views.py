from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bphub.api.forms import TokenCreateForm
from bphub.api.selectors import get_token_for_owner, token_list_for
from bphub.api.services import token_create, token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """List, create and revoke your own personal access tokens. A new token is shown once, here."""
    form = TokenCreateForm(request.POST if request.POST.get("action") == "create" else None)
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = get_token_for_owner(user=request.user, token_id=request.POST.get("token_id"))
        token_revoke(token=token, actor=request.user, request=request)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = token_create(user=request.user, name=form.cleaned_data["name"],
                                            days=form.cleaned_data["days"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenCreateForm()
    return render(request, "api/tokens.html", {
        "form": form, "tokens": token_list_for(user=request.user), "new_token": new_token,
    })
