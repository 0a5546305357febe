"""Every API error is JSON: {"code": stable machine code, "message": for people, "details": [...]}.

Codes: malformed_json (400), bad_request (400), not_authenticated (401), permission_denied (403),
csrf_failed (403), not_found (404), method_not_allowed (405), payload_too_large (413, from
RequestSizeLimitMiddleware), validation_error (422), throttled (429), server_error (500).
"""

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("bphub.api")

STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}


class ApiError(HttpError):
    """An HttpError with its own stable code."""

    def __init__(self, status_code: int, code: str, message: str, details: list | None = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.details = details


def error_response(status: int, code: str, message: str, details: list | None = None, headers=None) -> JsonResponse:
    body = {"code": code, "message": str(message)}
    if details is not None:
        body["details"] = details
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_path(loc) -> tuple[str, str]:
    """ninja's loc is (source, param name, field...) for bodies and (source, field...) otherwise."""
    loc = [str(part) for part in loc]
    source = loc[0] if loc else ""
    rest = loc[1:]
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # drop the name of the view's payload parameter
    return source, ".".join(rest)


def validation_details(errors) -> list[dict]:
    details = []
    for error in errors:
        location, field = _field_path(error.get("loc", ()))
        details.append({"location": location, "field": field, "reason": error.get("msg", ""),
                        "type": error.get("type", "invalid")})
    return details


def django_validation_details(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"location": "body", "field": "" if field == "__all__" else field, "reason": message, "type": "invalid"}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"location": "body", "field": "", "reason": message, "type": "invalid"} for message in error.messages]


def handle_ninja_validation(request, exc: NinjaValidationError):
    return error_response(422, "validation_error", _("The request is not valid."), validation_details(exc.errors))


def handle_django_validation(request, exc: DjangoValidationError):
    return error_response(422, "validation_error", _("The request is not valid."), django_validation_details(exc))


def handle_authentication(request, exc: AuthenticationError):
    message = exc.message if exc.message != "Unauthorized" else _("Authentication is needed: send a valid token.")
    return error_response(401, "not_authenticated", message, headers={"WWW-Authenticate": 'Bearer realm="bphub"'})


def handle_http_error(request, exc: HttpError):
    if isinstance(exc, ApiError):
        return error_response(exc.status_code, exc.code, exc.message, exc.details)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return error_response(400, "malformed_json", _("The request body is not valid JSON."))
    headers = {}
    if isinstance(exc, Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    code = STATUS_CODES.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(exc), headers=headers)


def handle_not_found(request, exc: Http404):
    return not_found_response()


def handle_permission_denied(request, exc: PermissionDenied):
    return error_response(403, "permission_denied", str(exc) or _("You cannot do this."))


def handle_unexpected(request, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    if settings.DEBUG:
        raise exc
    return error_response(500, "server_error", _("Something went wrong on our side."))


def not_found_response():
    return error_response(404, "not_found", _("Not found."))


def install(api) -> None:
    api.add_exception_handler(Exception, handle_unexpected)
    api.add_exception_handler(NinjaValidationError, handle_ninja_validation)
    api.add_exception_handler(DjangoValidationError, handle_django_validation)
    api.add_exception_handler(HttpError, handle_http_error)
    api.add_exception_handler(AuthenticationError, handle_authentication)
    api.add_exception_handler(Http404, handle_not_found)
    api.add_exception_handler(PermissionDenied, handle_permission_denied)


def json_method_not_allowed(view):
    """ninja answers a wrong method with a plain-text 405; ours is JSON like every other error."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            return error_response(
                405, "method_not_allowed",
                _("The method %(method)s is not allowed here.") % {"method": request.method},
                headers={"Allow": allowed} if allowed else None,
            )
        return response

    return wrapped
