"""One shape for every API error: {"error": {"code": ..., "message": ...}} with a 4xx status."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from queue_server.queue.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
              429: "rate_limited"}


class ApiError(Exception):
    """A refusal by the API layer itself (authentication, rights, limits, malformed input)."""

    def __init__(self, code: str, status: int, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.status = code, status
        self.message_id, self.message_en = message_id, message_en

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_id


def language() -> str:
    """The visitor's language: ?lang=en, else Accept-Language, else Indonesian."""
    chosen = request.args.get("lang") or request.accept_languages.best_match(["id", "en"])
    return "en" if chosen == "en" else "id"


def error_response(code: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def _field_problems(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def register_error_handlers(app: Flask, prefix: str) -> None:
    """JSON errors for every path under `prefix`; other paths keep Flask's pages."""

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> tuple[Response, int]:
        return error_response(error.code, error.message(language()), error.status)

    @app.errorhandler(ApiError)
    def _api(error: ApiError) -> tuple[Response, int]:
        return error_response(error.code, error.message(language()), error.status)

    @app.errorhandler(ValidationError)
    def _invalid(error: ValidationError) -> tuple[Response, int]:
        if any(item["type"] == "control_characters" for item in error.errors()):
            message = ("Teks mengandung karakter kontrol (misalnya NUL); hapus karakter itu."
                       if language() == "id" else
                       "The text contains control characters (such as NUL); remove them.")
            return error_response("control_characters", message, 422)
        detail = _field_problems(error)
        prefix_text = "Isian tidak sah" if language() == "id" else "Invalid input"
        return error_response("invalid_input", f"{prefix_text}: {detail}", 422)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Response, int] | CSRFError:
        if not request.path.startswith(prefix):
            return error
        message = ("Token CSRF tidak ada atau tidak sah; muat ulang halaman."
                   if language() == "id" else
                   "The CSRF token is missing or invalid; reload the page.")
        return error_response("csrf_failed", message, 403)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response, int] | HTTPException:
        if not request.path.startswith(prefix) or error.code is None:
            return error
        return error_response(HTTP_CODES.get(error.code, "http_error"),
                              error.description or error.name, error.code)
