"""The JSON API at /api/v1/: OpenAPI schema at openapi.json, interactive docs at docs."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from bphub.api import errors
from bphub.api.docs import LocalSwagger
from bphub.api.openapi import BphubOpenAPISchema
from bphub.api.query import refuse_unknown_query_parameters
from bphub.api.routes import account, actions, audit, directory, documents, meetings, needs, reference, resources
from bphub.api.throttling import THROTTLES

DESCRIPTION = """
The Bali Process coordination hub's JSON API. It shows exactly what the web pages show you.

**Authentication.** Send a personal access token as `Authorization: Bearer bph_…` (create one on
the *API tokens* page or with `POST /tokens`). A browser session signed in past two-factor
authentication works too (unsafe methods then need the `X-CSRFToken` header). Reference data and
public resources need no authentication.

**Languages.** Multilingual texts come as an object of every version (`"title": {"en": "…"}`) and
the version picked for you (`"title_display"`), chosen by `?lang=`, else `Accept-Language`.

**Lists** are paged: `{"count", "next", "previous", "results"}`; `?page=` (at most 1,000,000) and
`?page_size=` (at most 200). The resource list gives each record in short form, without `summary` or
`url`; fetch one resource for the whole record (reads of restricted and secretariat records are audited).

**Meetings** (`/meetings`, their agenda, delegations, documents and outcomes; `/action-items`) are
read through the same policy; the public reads public meetings without a token. Times are UTC, with
the host's IANA time zone beside them. `GET /documents/{document_id}/download` answers the file itself
(an attachment), the one answer that is not JSON.

**What needs you** (`GET /me/needs`) is the list on your home page, from the same code: what waits
for you now (delegations to nominate or approve, action items due or overdue, directory records
overdue for review, proposed changes to review), overdue first, each with a count of the records
you may read and the page where you act on it.

**Query parameters** are checked on every route: an unknown one is refused (422), so a misspelt
filter never answers the whole list. Ids are 1 to 2^63 - 1 (else 422, in the path as in the query).

**Rate limits.** Each token (or signed-in session) may make %(token_rate)s requests and each IP
without credentials %(anonymous_rate)s; past that: 429 `throttled`, with `Retry-After` in seconds.

**Errors** are JSON: `{"code", "message", "details"}` with a stable `code`: `malformed_json` (400),
`not_authenticated` (401), `permission_denied` / `csrf_failed` (403), `not_found` (404, also for
records you may not read), `method_not_allowed` (405), `payload_too_large` (413),
`validation_error` (422, `details` names each field and why; unknown fields are refused),
`throttled` (429).
"""


class BphubAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        # Built once per process (about 0.3 s): openapi.json is public and not rate-limited.
        cache = self.__dict__.setdefault("_openapi_schemas", {})
        if path_prefix not in cache:
            cache[path_prefix] = BphubOpenAPISchema(self, path_prefix)
        return cache[path_prefix]

    def get_openapi_operation_id(self, operation) -> str:
        # The view's own name (`meetings`, `action_item`), unique across the API: what a generated
        # client calls its functions, rather than `bphub_api_routes_meetings_meetings`.
        return operation.view_func.__name__

    def _get_urls(self):
        urls = []
        for pattern in super()._get_urls():
            if pattern.name == "api-root":
                continue  # ninja's root raises an HTML 404; ours is a JSON index
            pattern.callback = errors.json_method_not_allowed(pattern.callback)
            urls.append(pattern)
        urls.append(path("", api_index, name="api-root"))
        urls.append(re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not_found"))
        return urls


@csrf_exempt
def api_index(request):
    if request.method not in {"GET", "HEAD"}:
        return errors.error_response(405, "method_not_allowed", "Use GET.", headers={"Allow": "GET, HEAD"})
    return JsonResponse({
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        "docs": request.build_absolute_uri(reverse("api:openapi-view")),
    })


@csrf_exempt
def api_not_found(request, unmatched: str = ""):
    return errors.not_found_response()


api = BphubAPI(
    title="bphub API",
    version="1",
    description=DESCRIPTION.replace("%(token_rate)s", settings.API_RATE_LIMIT_TOKEN).replace(
        "%(anonymous_rate)s", settings.API_RATE_LIMIT_ANONYMOUS
    ),
    urls_namespace="api",
    docs=LocalSwagger(),
    throttle=THROTTLES,
)
errors.install(api)
api.add_decorator(refuse_unknown_query_parameters, mode="operation")
api.add_router("", reference.router)
api.add_router("", resources.router)
api.add_router("", account.router)
api.add_router("", needs.router)
api.add_router("", audit.router)
api.add_router("", directory.router)
api.add_router("", meetings.router)
api.add_router("", documents.router)
api.add_router("", actions.router)
