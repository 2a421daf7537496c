"""The demo DHIS2 server over HTTP: the Web API subset of api.py behind DHIS2's authentication.

    with DHIS2DemoServer(instance.load(path)) as server:
        requests.get(f"{server.url}/api/system/info", auth=(server.username, server.password))

Basic authentication (`username`/`password`) or a personal access token
(`Authorization: ApiToken d2pat_…`); anything else is DHIS2's 401. Only GET is served. Like
the offline model, it is labelled everywhere as a demo: in /api/system/info (systemName),
in a response header and in its log lines.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from hexa.core.local_server import LocalHTTPServer

from . import api
from .instance import Instance

logger = logging.getLogger(__name__)

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "district"  # the credentials of DHIS2's own public demo instances
DEMO_TOKEN = "d2pat_openhexaDemoServerToken00000000000000000"
# the demo data runs to December 2024: relative periods (LAST_12_MONTHS…) are counted from here
DEMO_TODAY = date(2025, 1, 15)
MAX_QUERY_FIELDS = 200
MAX_BODY = 1_000_000
# `/api/40/analytics.json` is `/api/analytics`
_PATH = re.compile(r"^/api(?:/\d{2})?(/[^?]*?)(?:\.json)?$")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, owner: DHIS2DemoServer):
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        logger.debug("Connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format, *args):
        logger.debug("[%s] %s - %s", api.LABEL, self.address_string(), format % args)

    def _drain_body(self):
        """A body (nothing here reads one) is read and dropped, so that it is not taken for the
        next request on the connection; one too large or of unknown length closes it instead."""
        length = self.headers.get("Content-Length") or "0"
        if self.headers.get("Transfer-Encoding") or not length.isdigit() or int(length) > MAX_BODY:
            self.close_connection = True
        elif int(length):
            self.rfile.read(int(length))

    def do_GET(self):
        self._drain_body()
        owner = self.server.owner
        url = urlsplit(self.path)
        matched = _PATH.match(url.path)
        if not owner.authenticated(self.headers.get("Authorization", "")):
            return self._send(401, api.error_body(401, "Unauthorized"), {"WWW-Authenticate": 'Basic realm="DHIS2"'})
        if matched is None:
            return self._send(404, api.error_body(404, f"Not found: {url.path[:200]}"))
        try:
            params = parse_qs(url.query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS, errors="replace")
        except ValueError:
            return self._send(400, api.error_body(400, f"At most {MAX_QUERY_FIELDS} query parameters"))
        try:
            status, body = api.answer(
                owner.instance, matched.group(1), params,
                today=owner.today, base_url=owner.url, username=owner.username,
            )
        except Exception:  # a bug here must show as the server's error, not a dropped connection
            logger.exception("[%s] failed on %s", api.LABEL, url.path[:200])
            status, body = 500, {"httpStatus": "Internal Server Error", "httpStatusCode": 500, "status": "ERROR",
                                 "message": "The demo server failed; see its log."}
        self._send(status, body)

    def _refuse_method(self):
        self._drain_body()
        self._send(405, api.error_body(405, f"The demo server is read-only: {self.command} is not supported"))

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse_method

    def _send(self, status, body, headers=None):
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Demo-Server", api.LABEL.encode("ascii", "replace").decode())
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away
            self.close_connection = True


class DHIS2DemoServer(LocalHTTPServer):
    thread_name = "dhis2-demo"

    def __init__(self, instance: Instance, host="127.0.0.1", port=0, username=DEMO_USERNAME, password=DEMO_PASSWORD,
                 token=DEMO_TOKEN, today: date = DEMO_TODAY):
        super().__init__(host, port)
        self.instance = instance
        self.username, self.password, self.token = username, password, token
        self.today = today

    def authenticated(self, header: str) -> bool:
        scheme, _, credentials = header.partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "apitoken":
            return hmac.compare_digest(credentials.encode(), self.token.encode())
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return False
            username, _, password = decoded.partition(":")
            return hmac.compare_digest(username.encode(), self.username.encode()) & hmac.compare_digest(
                password.encode(), self.password.encode()
            )
        return False

    def make_httpd(self) -> _HTTPServer:
        return _HTTPServer((self.host, self.port), self)
