"""One rule for query strings on every route: a parameter the route does not publish is refused (422).

So a misspelt filter (`?stauts=open`) never silently answers the whole list. The names allowed are
read from the same parameter models the OpenAPI schema is built from, plus `lang` (every route).
"""

from functools import wraps

from django.utils.translation import gettext as _
from ninja.openapi.schema import REF_TEMPLATE, flatten_properties

from bphub.api.errors import ApiError

ALWAYS_ALLOWED = frozenset({"lang"})


def query_parameter_names(operation) -> frozenset[str]:
    """The query parameters `operation` publishes, by the names callers send (aliases included)."""
    names = set()
    for model in operation.models:
        if model.__ninja_param_source__ != "query":
            continue
        schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        required = set(schema.get("required", []))
        for name, details in schema["properties"].items():
            for param_name, _schema, _required in flatten_properties(
                name, details, name in required, schema.get("$defs", {})
            ):
                names.add(param_name)
    return frozenset(names) | ALWAYS_ALLOWED


def refuse_unknown_query_parameters(view_func):
    """An API-wide decorator ("operation" mode: it runs after authentication, throttling and the
    validation of the published parameters)."""
    known = query_parameter_names(view_func._ninja_operation)

    @wraps(view_func)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - known)
        if unknown:
            raise ApiError(
                422,
                "validation_error",
                _("The request is not valid."),
                [
                    {
                        "location": "query",
                        "field": name,
                        "reason": _("Unknown query parameter."),
                        "type": "unknown_field",
                    }
                    for name in unknown
                ],
            )
        return view_func(request, *args, **kwargs)

    return checked
