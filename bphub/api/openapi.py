"""The published OpenAPI schema: every answer an operation can give, and one component per type.

ninja documents only the responses a route declares, and names each component by the bare class
name, so `Meeting.Status` and `Delegation.Status` would both become `Status` (the last one written
wins and clients validate one against the other). Here a component is named by its class's
qualified name (`MeetingStatus`, `DelegationStatus`), a name given to two different types is
recorded in `collisions`, and the errors every operation shares (401, 422, 429, …) are added.
"""

import re
from collections import defaultdict

from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema, flatten_properties
from ninja.schema import NinjaGenerateJsonSchema

from bphub.meetings.models import Kind as MeetingKind

ERROR_REF = {"$ref": REF_TEMPLATE.format(model="ErrorOut")}
LANG_PARAMETER = {
    "in": "query",
    "name": "lang",
    "required": False,
    "schema": {"type": "string", "maxLength": 35},
    "description": "Content language for `*_display` texts, e.g. `fr` (default: Accept-Language).",
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
# Types whose qualified name alone does not say what they are.

def _dotted(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# Top-level enums whose class name alone says too little, by where they are defined (not where
# they are imported from, so that moving a model module keeps the name).
NAMES = {_dotted(MeetingKind): "MeetingKind"}


def _error(description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
    if headers:
        response["headers"] = headers
    return response


ERRORS = {
    400: _error("`malformed_json`: the body is not JSON."),
    401: _error("`not_authenticated`: no valid credentials (also for a bad token on a public route)."),
    403: _error("`permission_denied`, or `csrf_failed` for a session without the CSRF token."),
    404: _error("`not_found`: the record does not exist or you may not read it."),
    413: _error("`payload_too_large`."),
    422: _error(
        "`validation_error`: a parameter or field is not valid, or a query parameter is unknown; `details` names each."
    ),
    429: _error(
        "`throttled`: too many requests; wait for `Retry-After` seconds.",
        headers={
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            },
        },
    ),
}


def error_statuses(path: str, method: str, operation: dict) -> list[int]:
    """The error answers `operation` can give, besides those it declares itself."""
    statuses = [401, 422, 429]
    if "{" in path:
        statuses.append(404)
    if method in UNSAFE_METHODS:
        statuses.append(403)  # CSRF, for a browser session
    if "requestBody" in operation:
        statuses += [400, 413]
    return statuses


def _component_name(core_ref: str) -> str | None:
    """`pkg.module.Meeting.Status:123` → `MeetingStatus`: the class's qualified name, dots dropped."""
    if "[" in core_ref:
        return None  # generics keep pydantic's own naming
    dotted = core_ref.rsplit(":", 1)[0]
    if dotted in NAMES:
        return NAMES[dotted]
    parts = dotted.split(".")
    qualname = []
    for part in reversed(parts):
        if not part[:1].isupper():
            break
        qualname.insert(0, part)
    return re.sub(r"[^A-Za-z0-9_]", "", "".join(qualname)) or None


class QualifiedNameJsonSchema(NinjaGenerateJsonSchema):
    """Names each definition by its class's qualified name and notes which class it came from."""

    origins: dict[str, set[str]] = defaultdict(set)

    def get_defs_ref(self, core_mode_ref):
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref = core_mode_ref[0]
        name = _component_name(core_ref)
        if name:
            choices = self._prioritized_defsref_choices[defs_ref]
            choices[0], choices[1] = name, f"{name}-{choices[1].rsplit('-', 1)[-1]}"
            self.origins[name].add(core_ref.rsplit(":", 1)[0])
        return defs_ref


class BphubOpenAPISchema(OpenAPISchema):
    """ninja's schema, built with `QualifiedNameJsonSchema`, completed with the shared error answers."""

    def __init__(self, api, path_prefix: str) -> None:
        self.origins: dict[str, set[str]] = defaultdict(set)
        self.generator = type("Generator", (QualifiedNameJsonSchema,), {"origins": self.origins})
        self.conflicting: set[str] = set()
        super().__init__(api, path_prefix)
        self._complete()

    @property
    def collisions(self) -> list[str]:
        """Component names given to two different types, or to one type described two ways."""
        shared = {name for name, origins in self.origins.items() if len(origins) > 1}
        return sorted(shared | self.conflicting)

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                self.conflicting.add(name)
        super().add_schema_definitions(definitions)

    # The two methods below are ninja's own, with our schema generator instead of ninja's.
    def _extract_parameters(self, model) -> list[dict]:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=self.generator)
        required = set(schema.get("required", []))
        if "$defs" in schema:
            self.add_schema_definitions(schema["$defs"])
        result = []
        for name, details in schema["properties"].items():
            for p_name, p_schema, p_required in flatten_properties(
                name, details, name in required, schema.get("$defs", {})
            ):
                if not p_schema.get("include_in_schema", True):
                    continue
                param = {"in": model.__ninja_param_source__, "name": p_name, "schema": p_schema, "required": p_required}
                for key in ("description", "examples", "example", "deprecated"):
                    if key in p_schema:
                        param[key] = p_schema[key]
                result.append(param)
        return result

    def _create_schema_from_model(self, model, by_alias=True, remove_level=True, mode="validation"):
        if hasattr(model, "__ninja_flatten_map__"):
            schema = self._flatten_schema(model)
        else:
            schema = model.model_json_schema(
                ref_template=REF_TEMPLATE, by_alias=by_alias, schema_generator=self.generator, mode=mode
            ).copy()
        if schema.get("$defs"):
            self.add_schema_definitions(schema.pop("$defs"))
        if remove_level and len(schema["properties"]) == 1:
            name, details = next(iter(schema["properties"].items()))
            return details, name in schema.get("required", {})
        return schema, True

    def _complete(self) -> None:
        for name, definition in self.schemas.items():
            definition["title"] = name  # client generators name their classes by the title
        if "ErrorOut" not in self.schemas:
            from bphub.api.schemas import ErrorOut

            schema = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=self.generator, mode="serialization"
            )
            self.add_schema_definitions(schema.pop("$defs", {}))
            self.schemas["ErrorOut"] = schema
        for path, item in self["paths"].items():
            for method, operation in item.items():
                responses = operation["responses"]
                for status in error_statuses(path, method, operation):
                    responses.setdefault(status, ERRORS[status])
                if 429 in responses and "headers" not in responses[429]:
                    responses[429] = ERRORS[429]
                if not any(param["name"] == "lang" for param in operation["parameters"]):
                    operation["parameters"].append(dict(LANG_PARAMETER))
