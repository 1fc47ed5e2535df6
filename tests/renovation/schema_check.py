"""Checking a real API response against the portal's OpenAPI schema (`/api/schema/`): the
response schema of the operation and status code, with the components it refers to resolved,
validated by jsonschema. OpenAPI 3.0's `nullable` becomes JSON Schema's `null` type, and an
object with listed properties admits no others, so an undocumented field fails too."""

import copy

import jsonschema

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _json_schema(node):
    """OpenAPI 3.0 schema → JSON Schema (2020-12), recursively."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


class SchemaCheck:
    def __init__(self, schema: dict):
        self.schema = schema
        self.components = _json_schema(copy.deepcopy(schema["components"]))
        self.seen: set[tuple[str, str, str]] = set()

    def operations(self) -> set[tuple[str, str]]:
        return {
            (path, method)
            for path, ops in self.schema["paths"].items()
            for method in ops
            if method in ("get", "post", "put", "patch", "delete")
        }

    def __call__(self, template: str, method: str, response) -> None:
        """Fail unless `response` to `method` `template` is what the schema says it is."""
        operation = self.schema["paths"][template][method]
        status = str(response.status_code)
        where = f"{method.upper()} {template} → {status}"
        assert status in operation["responses"], f"{where}: the schema does not list {status}"
        content = operation["responses"][status].get("content")
        self.seen.add((template, method, status))
        if not content:
            assert not response.content, f"{where}: a body the schema does not describe"
            return
        media = response["Content-Type"].split(";")[0]
        assert media in content, f"{where}: {media} is not among {sorted(content)}"
        if media != "application/json":
            return
        document = {"$schema": DRAFT, "components": self.components}
        document.update(_json_schema(copy.deepcopy(content[media]["schema"])))
        try:
            jsonschema.Draft202012Validator(document).validate(response.json())
        except jsonschema.ValidationError as error:
            path = "/".join(str(p) for p in error.absolute_path)
            raise AssertionError(f"{where}: at /{path}: {error.message}") from None
