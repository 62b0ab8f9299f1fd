"""The answers of the garbage fault kinds (`faults.GARBAGE_KINDS`), shared by the fakes.

Each is a success status with a body no tracker sends: what a login proxy, an SSO gateway or a
gateway cutting answers short puts between syncd and the tracker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SSO_HOST = "sso.example.com"


@dataclass(frozen=True)
class Garbage:
    status: int
    content_type: str
    payload: bytes


def garbage_answer(
    kind: str, real_status: int | None, real_body: Any, authorization: str | None
) -> Garbage:
    """The answer for fault `kind`, given the real answer when the request was handled.

    The status is the real one when that was a success with a body, else 200. The HTML page
    echoes the request's Authorization header, as a hostile proxy would: syncd must never show
    it.
    """
    status = real_status if real_status is not None and 200 <= real_status < 300 else 200
    if status == 204:
        status = 200  # a body comes with it
    if kind == "html":
        page = (
            "<!DOCTYPE html>\n<html><head><title>Sign in - Acme SSO</title></head><body>\n"
            "<h1>Sign in to continue</h1>\n"
            f"<!-- request: Authorization: {authorization or ''} -->\n"
            f'<form action="https://{SSO_HOST}/login?session=3f9a8c7d2e&next=/">'
            "</form></body></html>\n"
        )
        return Garbage(status, "text/html; charset=utf-8", page.encode())
    if kind == "broken_json":
        text = json.dumps(real_body) if real_body is not None else '{"issues": [{"key": "PAY-1"}]}'
        return Garbage(status, "application/json", text[: max(1, len(text) // 2)].encode())
    if kind == "json_without_keys":
        text = json.dumps({"status": "ok", "message": "Request accepted"})
        return Garbage(status, "application/json", text.encode())
    if kind == "empty_json":
        return Garbage(status, "application/json", b"{}")
    raise ValueError(f"not a garbage kind: {kind!r}")
