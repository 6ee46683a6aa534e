"""/api/docs/: the API's reference as a plain page of ours, built from the OpenAPI schema.

Swagger UI (still at /api/docs/swagger/) nests buttons in buttons, has no `lang` and fails
contrast checks; this page is server-rendered HTML in the site's own layout and theme, readable
without JavaScript. Its words are the schema's, in the reader's language: the schema's texts are
lazy translations, turned into text while the schema is generated.
"""

import functools

from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator

_METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref", "")
    return components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _type(prop: dict) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if prop.get("type") == "array":
        return _("list of %(type)s") % {"type": _type(prop.get("items", {}))}
    kind = prop.get("type") or (_("one of") if "oneOf" in prop or "allOf" in prop else "")
    return f"{kind} ({prop['format']})" if prop.get("format") else kind


def _fields(schema: dict, components: dict) -> list[dict]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": _type(prop),
            "required": name in required,
            "read_only": prop.get("readOnly", False),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operations() -> tuple[dict, ...]:
    """Every operation of the schema, in path order, in the active language."""
    return _operations(translation.get_language())


@functools.cache
def _operations(language: str | None) -> tuple[dict, ...]:
    """The schema is fixed for a deploy: generated once per language (of the few in
    LANGUAGES, as LocaleMiddleware activates only those)."""
    with translation.override(language):
        return _generate()


def _generate() -> tuple[dict, ...]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    result = []
    for path, item in schema["paths"].items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            result.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", ())
                    ],
                    "body": _fields(body.get("schema", {}), components) if body else [],
                    "responses": [
                        {"code": code, "description": r.get("description", "")}
                        for code, r in op.get("responses", {}).items()
                    ],
                    "public": {} in op.get("security", [{}]) or not op.get("security"),
                }
            )
    return tuple(result)


def api_docs(request):
    return render(request, "cramps/api_docs.html", {"operations": operations()})
