"""A careless API for secret tests: it echoes the Authorization header and the request line (with the query)
back raw, JSON-escaped, as \\u escapes, URL-encoded and as HTML entities, in its body and in its headers.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import quote

from raw_http_server import Answer, RawServer, header_value, respond

CORE = "S3CRET"  # every secret below holds it, so one look finds any of them
TOKEN = f"tok/{CORE}-t0ken"
QUERY = f"?api_key=k3y%2F{CORE}-qu3ry&v=2"
USER_INFO = f"arthur:pa%3As+{CORE}@"
ENVIRON = {"SR_TOKEN": TOKEN}


def forms_of(text: str) -> list[str]:
    """The forms the echoing server uses, for the assertions."""
    return [
        text,
        json.dumps(text)[1:-1].replace("/", "\\/"),
        "".join(f"\\u{ord(c):04x}" for c in text),
        "".join(f"\\u{ord(c):04X}" for c in text),
        quote(text, safe=""),
        "".join(f"&#{ord(c)};" for c in text),
    ]


def echo(status: int) -> Answer:
    def answer(server: RawServer, connection: socket.socket, request: bytes) -> None:
        request_line = request.split(b"\r\n")[0].decode("latin-1")
        echoed = f"{header_value(request, 'Authorization')} {request_line}"
        raw, escaped, unicode, _upper, url_encoded, html = forms_of(echoed)
        body = (
            f'{{"message": "invalid token {escaped}", "unicode": "{unicode}", "url": "{url_encoded}", '
            f'"html": "{html}", "raw": {json.dumps(raw)}}}'
        )
        headers = {
            "X-Echo": raw,
            "Location": f"https://elsewhere.example/in?seen={url_encoded}",
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{raw}"',
        }
        respond(status, body.encode(), headers)(server, connection, request)

    return answer


def assert_no_secret_in(*texts: str) -> None:
    for text in texts:
        assert CORE not in text
        for form in forms_of(CORE)[1:]:
            assert form.lower() not in text.lower()
        assert "YXJ0aHVy" not in text  # nor the Basic credentials of the user info (base64 of "arthur")
