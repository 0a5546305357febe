"""Interactive API docs that work under the site's Content-Security-Policy.

Swagger UI is served from ninja's own static files (no CDN) and started by our external
static/api/docs.js, which reads its settings from data- attributes: no inline script at all.
"""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class LocalSwagger(DocsBase):
    template = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        user = getattr(request, "user", None)
        return render(request, self.template, {
            "api": api,
            "openapi_url": self.get_openapi_url(api, kwargs),
            "signed_in": bool(user is not None and user.is_authenticated),
        })
