"""Declaring an endpoint once: its route, request schema, answers and OpenAPI entry.

`endpoint` registers the Flask route, validates the JSON body against its pydantic model
(a bad body becomes a 422 before the view runs) and records the operation, from which
`openapi_document` is built.

The caller is identified before the body is read: an operation that takes credentials
answers a caller without any (or with a bad token) 401, never a 422 that would teach an
anonymous caller the schema. The statuses every operation can meet whatever its view does
(a malformed address or body, a body too large, no credentials) are listed for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from queue_server.api.auth import actor
from queue_server.api.errors import ApiError
from queue_server.schemas import ErrorOut
from queue_server.security import MAX_ID

ERROR_TEXT = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
              409: "Conflicts with the current state", 413: "Body too large",
              422: "Invalid input", 429: "Too many requests",
              503: "A service the answer needs is unavailable"}


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    summary: str
    body: type[BaseModel] | None
    answers: dict[int, type[BaseModel] | None]
    auth: tuple[str, ...]
    tag: str
    errors: tuple[int, ...] = field(default=())
    query: type[BaseModel] | None = None
    # Other media types the 200 answer may come as (e.g. text/csv), besides JSON.
    produces: tuple[str, ...] = ()


OPERATIONS: list[Operation] = []
Answer = BaseModel | tuple[BaseModel | None, int] | Response | None


def endpoint(bp: Blueprint, method: str, rule: str, *, summary: str, tag: str,
             answers: dict[int, type[BaseModel] | None], body: type[BaseModel] | None = None,
             auth: tuple[str, ...] = (), errors: tuple[int, ...] = (400, 422),
             query: type[BaseModel] | None = None, produces: tuple[str, ...] = (),
             ) -> Callable[[Callable[..., Answer]], Callable[..., ResponseReturnValue]]:
    """Register `rule` on `bp`; the view gets `body=` and `query=` (validated) and returns
    a model, (model, status), None (204) or a ready Response (a file download)."""

    def decorate(view: Callable[..., Answer]) -> Callable[..., ResponseReturnValue]:
        OPERATIONS.append(Operation(method, f"{bp.url_prefix or ''}{rule}", summary, body,
                                    answers, auth, tag, errors, query, produces))

        @functools.wraps(view)
        def handle(**kwargs: Any) -> ResponseReturnValue:
            if auth:
                _identify(needed=body is not None or query is not None)
            if body is not None:
                kwargs["body"] = _validated_body(body)
            if query is not None:
                kwargs["query"] = query.model_validate(request.args.to_dict())
            return _render(view(**kwargs))

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[method])
        return handle

    return decorate


def _identify(*, needed: bool) -> None:
    """Resolve the caller first (a bad token is a 401 now); `needed`: the operation reads
    input, so a caller without credentials is turned away before it is judged."""
    who = actor()
    if needed and who.user is None and who.device is None:
        raise ApiError("unauthorized", 401, "Silakan masuk terlebih dahulu.", "Sign in first.")


def _validated_body(model: type[BaseModel]) -> BaseModel:
    """The body parsed and validated by pydantic in one pass (an empty body is `{}`).

    pydantic's own parser bounds nesting depth and refuses lone surrogates, so JSON nested
    10,000 deep or unencodable text is a 400, not a recursion error or a database error;
    the body's size is bounded before it is read (security.MAX_BODY_BYTES, 413).
    """
    raw = request.get_data()
    try:
        return model.model_validate_json(raw if raw.strip() else b"{}")
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors(include_url=False)):
            raise ApiError("invalid_json", 400, "Isi permintaan bukan JSON yang sah.",
                           "The request body is not valid JSON.") from None
        raise


def _render(answer: Answer) -> ResponseReturnValue:
    if answer is None:
        return Response(status=204)
    if isinstance(answer, Response):
        return answer
    model, status = answer if isinstance(answer, tuple) else (answer, 200)
    if model is None:
        return Response(status=status)
    return jsonify(model.model_dump(mode="json")), status


def _openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """Flask's /counters/<counter_id> as OpenAPI's /counters/{counter_id}, with parameters."""
    parameters = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        schema: dict[str, Any] = ({"type": "integer", "minimum": 0, "maximum": MAX_ID}
                                  if converter == "int" else {"type": "string"})
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule), parameters


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    """A query model's fields as OpenAPI query parameters (by their aliases)."""
    if model is None:
        return []
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    definitions = schema.get("$defs", {})
    parameters = []
    for name, field_schema in schema.get("properties", {}).items():
        reference = field_schema.get("$ref", "")
        resolved = definitions.get(reference.rsplit("/", 1)[-1], field_schema)
        description = field_schema.get("description") or resolved.get("description")
        clean = {k: v for k, v in {**resolved, **field_schema}.items()
                 if k not in ("$ref", "title", "description")}
        parameter: dict[str, Any] = {"name": name, "in": "query",
                                     "required": name in required, "schema": clean}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _errors(operation: Operation) -> list[int]:
    """The operation's own refusals, and those any request may meet before its view runs:
    a malformed address (400: control characters), a body malformed, too large or invalid
    (400, 413, 422), invalid query parameters (422), no or bad credentials (401)."""
    statuses = set(operation.errors) | {400}
    if operation.body is not None:
        statuses |= {413, 422}
    if operation.query is not None:
        statuses.add(422)
    if operation.auth:
        statuses.add(401)
    return sorted(statuses)


def openapi_document(title: str, version: str) -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorOut}
    for operation in OPERATIONS:
        models.update(m for m in operation.answers.values() if m is not None)
        if operation.body is not None:
            models.add(operation.body)
    ordered = sorted(models, key=lambda m: m.__name__)
    _, schemas = models_json_schema([(m, "serialization") for m in ordered],
                                    ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        path, parameters = _openapi_path(operation.rule)
        name = re.sub(r"\W+", "_", path).strip("_")
        entry: dict[str, Any] = {
            "summary": operation.summary, "tags": [operation.tag],
            "operationId": f"{operation.method.lower()}_{name}", "responses": {},
        }
        parameters += _query_parameters(operation.query)
        if parameters:
            entry["parameters"] = parameters
        if operation.body is not None:
            entry["requestBody"] = {"required": False, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{operation.body.__name__}"}}}}
        for status, model in operation.answers.items():
            response: dict[str, Any] = {"description": "OK" if status < 300 else str(status)}
            if model is not None:
                response["content"] = {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}
            if status == 200 and operation.produces:
                response.setdefault("content", {}).update(
                    {kind: {"schema": {"type": "string", "format": "binary"}}
                     for kind in operation.produces})
            entry["responses"][str(status)] = response
        for status in _errors(operation):
            entry["responses"][str(status)] = {
                "description": ERROR_TEXT.get(status, "Error"),
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        if operation.auth:
            entry["security"] = [{scheme: []} for scheme in operation.auth]
        paths.setdefault(path, {})[operation.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "An officer's API token or a kiosk/display token"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "The login session; writes also need X-CSRFToken"},
            },
        },
    }
