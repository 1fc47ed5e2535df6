"""The OpenAPI schema's view of the portal (drf-spectacular): every operation also documents
the error bodies it can answer with, and the CSV and xlsx downloads are files, not JSON.

- 401 `Error` (no credentials, a wrong or expired token) and 429 `Error` (a token over its
  rate limit): every operation.
- 403 `Error`: writes (a role without the permission; an API token, which is read-only).
- 404 `Error`: an object out of the caller's scope or absent; a statistics region out of reach.
- 400 `ValidationErrors` (`{"field": ["message"], "non_field_errors": [...]}`): writes,
  filtered lists and statistics parameters."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object
from rest_framework import permissions, serializers

from renovation.exports import XLSX

FILE = {"type": "string", "format": "binary"}
FILE_TYPES = {"text/csv", XLSX}

VALIDATION_ERRORS = {
    "type": "object",
    "description": "Messages by field (query parameter, filter or request field); messages "
    "about the request as a whole under non_field_errors.",
    "properties": {"non_field_errors": {"type": "array", "items": {"type": "string"}}},
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": True},
        ]
    },
}
DESCRIPTIONS = {
    "400": "The request is not valid: each message names what is wrong.",
    "401": "No credentials, or a wrong or expired API token.",
    "403": "Not allowed: the role may not do this here, or an API token tried to write.",
    "404": "Not found, or outside the caller's part of the administrative tree.",
    "429": "Too many requests with this API token; retry after the Retry-After seconds.",
}


class ErrorSerializer(serializers.Serializer):
    """An error that is not about a field: `{"detail": "..."}`."""

    detail = serializers.CharField(help_text="What went wrong.")


class AutoSchema(openapi.AutoSchema):
    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error_codes(self) -> list[str]:
        codes = ["401", "429"]
        writes = self.method not in permissions.SAFE_METHODS
        statistics = getattr(self.view, "figures_serializer", None) is not None
        filtered = getattr(self.view, "filterset_class", None) is not None
        if writes:
            codes.append("403")
        if "{" in self.path or statistics:
            codes.append("404")
        if writes or statistics or (filtered and self._is_list_view()):
            codes.append("400")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code in responses:
                continue
            if code == "400":
                schema = self._component("ValidationErrors", VALIDATION_ERRORS)
            else:
                schema = self.resolve_serializer(ErrorSerializer(), "response").ref
            responses[code] = {
                "content": {"application/json": {"schema": schema}},
                "description": DESCRIPTIONS[code],
            }
        return dict(sorted(responses.items()))

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, content in response.get("content", {}).items():
            if media_type in FILE_TYPES:
                content["schema"] = FILE
        return response


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The portal's API tokens in the schema: `Authorization: Token <token>`."""

    target_class = "renovation.drf.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
