"""A read-only GET of an allow-listed DHIS2 Web API resource through a workspace connection,
bounded in time and bytes, every failure typed.

    request = check_request(resource, params)        # ("analytics", [("dimension", "dx:…"), …]) or INVALID_INPUT
    body = fetch(fields, request)                     # the parsed JSON answer, or an AssistantError

The model chooses the resource and DHIS2's own query parameters; it never chooses the host,
the path outside the allow-list, the method or the credentials: those come from the
connection, whose secret values stay in this module (a header of the request) and are never
quoted in a message, an error or a log line.

DHIS2 answers are untrusted too (a misconfigured URL, a proxy, a hostile server):

- time: the whole exchange (connecting, waiting, reading) has ASSISTANT_DHIS2_TIMEOUT_MS;
  the request runs on a thread of its own and the caller stops waiting at the deadline (or
  at the user's Stop), whatever the server does, e.g. send a byte a second (QUERY_TIMEOUT);
- size: at most ASSISTANT_DHIS2_MAX_BYTES of the body are read, refused from its
  Content-Length when it says more (RESPONSE_TOO_LARGE);
- redirects are never followed (the credentials would go with them): DHIS2_REDIRECT, or
  DHIS2_AUTH_FAILED for a redirect to a login page (DHIS2's answer to a bad session);
- a body that is not JSON, or JSON too deeply nested to read: DHIS2_INVALID_RESPONSE;
- DHIS2's own error bodies (`httpStatusCode`, `message`, `errorCode`): DHIS2_ERROR with
  them, NOT_FOUND for a 404, DHIS2_AUTH_FAILED for 401 and 403.
"""

import base64
import json
import re
import threading
import time
import zlib
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from hexa.core.tls import tls_context

from .. import leases
from ..errors import AssistantError

# resource -> what it is (told to the model). Metadata collections also answer
# "<collection>/<uid>" for one object.
COLLECTIONS = {
    "organisationUnits": "organisation units (fields=id,name,level,parent[id,name]; filter=level:eq:2)",
    "organisationUnitLevels": "the levels of the hierarchy",
    "organisationUnitGroups": "groups of organisation units",
    "dataElements": "data elements (filter=name:ilike:malaria)",
    "dataElementGroups": "groups of data elements",
    "indicators": "indicators (computed from data elements)",
    "indicatorGroups": "groups of indicators",
    "dataSets": "data sets (forms) and their data elements",
    "categoryOptionCombos": "category option combinations (disaggregations)",
}
RESOURCES = {
    "analytics": "aggregated data: dimension=dx:<ids>, dimension=pe:<periods>, dimension=ou:<ids or LEVEL-n>, filter=…",
    "dataValueSets": "raw data values: dataSet or dataElement, period or startDate/endDate, orgUnit, children=true",
    **COLLECTIONS,
}
_UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,49}$")
MAX_PARAMS = 50
MAX_VALUES_PER_PARAM = 100
MAX_QUERY_CHARS = 8_000
MESSAGE_MAX_CHARS = 500
CONNECT_TIMEOUT_S = 10.0
TOKEN_FIELDS = ("api_token", "token", "access_token")


def timeout_s() -> float:
    return max(1, int(settings.ASSISTANT_DHIS2_TIMEOUT_MS)) / 1000


def max_bytes() -> int:
    return max(1, int(settings.ASSISTANT_DHIS2_MAX_BYTES))


# -- the request ---------------------------------------------------------------------------


def check_request(resource, params) -> tuple[str, list[tuple[str, str]]]:
    """The path below /api/ and the query parameters, or INVALID_INPUT."""
    if not isinstance(resource, str):
        raise AssistantError("INVALID_INPUT", "`resource` must be a DHIS2 Web API resource such as \"analytics\".")
    path = resource.strip().strip("/").removeprefix("api/").removesuffix(".json")
    path = re.sub(r"^\d{2}/", "", path)  # a versioned path, /api/40/analytics
    parts = path.split("/")
    if parts[0] not in RESOURCES or len(parts) > 2 or (len(parts) == 2 and (parts[0] not in COLLECTIONS or not _UID.match(parts[1]))):
        raise AssistantError(
            "INVALID_INPUT",
            f"`resource` {resource[:80]!r} is not one query_dhis2 reads. Resources: {', '.join(RESOURCES)}; a metadata "
            "collection also answers \"<collection>/<uid>\" (an 11-character DHIS2 UID) for one object.",
        )
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise AssistantError("INVALID_INPUT", "`params` must be an object of DHIS2 query parameters.")
    if len(params) > MAX_PARAMS:
        raise AssistantError("INVALID_INPUT", f"At most {MAX_PARAMS} query parameters.")
    query = []
    for name, value in params.items():
        if not _PARAM_NAME.match(name):
            raise AssistantError("INVALID_INPUT", f"Parameter name {name[:60]!r} is not a DHIS2 query parameter name.")
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_VALUES_PER_PARAM:
            raise AssistantError("INVALID_INPUT", f"Parameter {name!r} has more than {MAX_VALUES_PER_PARAM} values.")
        for item in values:
            if isinstance(item, bool):
                item = "true" if item else "false"
            elif isinstance(item, (int, float)):
                item = str(item)
            if not isinstance(item, str) or any(ord(c) < 32 for c in item):
                raise AssistantError(
                    "INVALID_INPUT",
                    f"Parameter {name!r} must be text, a number, true/false, or a list of them (repeated parameters, "
                    'e.g. "dimension": ["dx:…", "pe:202410"]), without control characters.',
                )
            query.append((name, item))
    if sum(len(n) + len(v) + 2 for n, v in query) > MAX_QUERY_CHARS:
        raise AssistantError("INVALID_INPUT", f"The query parameters are longer than {MAX_QUERY_CHARS:,} characters.")
    return path, query


# -- the connection ----------------------------------------------------------------------------


def base_url(fields: dict) -> str:
    """The connection's server, checked: http(s), a host, no credentials in it."""
    url = (fields.get("url") or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AssistantError(
            "DHIS2_UNREACHABLE",
            "The connection has no valid `url` (http or https address of the DHIS2 instance). Tell the user: a "
            "workspace editor can fix it in the connection's settings.",
        )
    if parts.username or parts.password:
        raise AssistantError(
            "DHIS2_UNREACHABLE",
            "The connection's `url` holds credentials; they belong in its username and password fields. Tell the "
            "user: a workspace editor can fix it in the connection's settings.",
        )
    return url.removesuffix("/api")


def shown_url(url: str) -> str:
    """An address for a message: scheme, host and port, nothing else."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"[:200]


def _authorization(fields: dict) -> str:
    token = next((fields[name] for name in TOKEN_FIELDS if fields.get(name)), None)
    if token:
        return f"ApiToken {token}"
    username, password = fields.get("username") or "", fields.get("password") or ""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# -- the exchange --------------------------------------------------------------------------------


class _Exchange:
    """One GET on a thread of its own: its outcome, and a way to give up on it."""

    def __init__(self, url, query, authorization, deadline):
        self.url, self.query, self.deadline = url, query, deadline
        self.authorization = authorization
        self.done = threading.Event()
        self.result = None  # (status, headers, body bytes) or an AssistantError
        self.client = None

    def run(self):
        try:
            self.result = self._get()
        except AssistantError as error:
            self.result = error
        except Exception as error:  # noqa: BLE001 -- anything the transport raises is an unreachable server
            self.result = _transport_error(error, self.url)
        finally:
            self.done.set()

    def _get(self):
        remaining = max(0.1, self.deadline - time.monotonic())
        timeout = httpx.Timeout(remaining, connect=min(CONNECT_TIMEOUT_S, remaining))
        headers = {
            "Authorization": self.authorization, "Accept": "application/json", "Accept-Encoding": "gzip, deflate",
        }
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()) as client:
            self.client = client
            with client.stream("GET", self.url, params=self.query, headers=headers) as response:
                limit = max_bytes()
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _too_large(limit)
                body = bytearray()
                for chunk in response.iter_raw():  # as it arrives: the deadline is checked at each piece
                    body += chunk
                    if len(body) > limit:
                        raise _too_large(limit)
                    if time.monotonic() > self.deadline:
                        raise _timeout()
                return response.status_code, response.headers, _decoded(bytes(body), response.headers, limit)

    def abandon(self):
        client = self.client
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 -- best effort: the thread ends at its own timeout anyway
                pass


def _decoded(body: bytes, headers, limit: int) -> bytes:
    """The body without its content encoding (iter_raw reads it as sent), bounded as it grows."""
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise AssistantError("DHIS2_INVALID_RESPONSE", f"DHIS2 answered in an encoding this tool does not read ({encoding[:30]}).")
    inflater = zlib.decompressobj(31 if encoding == "gzip" else 15)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise AssistantError("DHIS2_INVALID_RESPONSE", "DHIS2's answer could not be decompressed.") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise _too_large(limit)
    return out


def _too_large(limit) -> AssistantError:
    return AssistantError(
        "RESPONSE_TOO_LARGE",
        f"DHIS2's answer is larger than {limit:,} bytes, the most one call reads; nothing of it was kept. Ask for "
        "less: fewer periods, org units or data items, `fields` with only the properties you need, a `pageSize`, "
        "or a filter.",
        rule="max_bytes",
    )


def _timeout() -> AssistantError:
    return AssistantError(
        "QUERY_TIMEOUT",
        f"DHIS2 did not answer within {timeout_s():g} s, the time limit of one call. Ask for less (fewer periods, "
        "org units or data items; a pageSize), or try again later.",
        rule="time_limit",
    )


def _transport_error(error: Exception, url: str) -> AssistantError:
    if isinstance(error, httpx.TimeoutException) and not isinstance(error, httpx.ConnectTimeout):
        return _timeout()
    kind = {
        httpx.ConnectTimeout: "the connection timed out",
        httpx.ConnectError: "the connection was refused or the host is unknown",
        httpx.RemoteProtocolError: "it broke off the answer or did not speak HTTP",
        httpx.UnsupportedProtocol: "its address is not http or https",
    }
    reason = next((text for cls, text in kind.items() if isinstance(error, cls)), "the connection failed")
    return AssistantError(
        "DHIS2_UNREACHABLE",
        f"The DHIS2 server at {shown_url(url)} could not be reached: {reason}. Tell the user; retry later, once.",
    )


def fetch(fields: dict, request) -> dict | list:
    """The parsed JSON of GET <url>/api/<path>?<query>, or an AssistantError (raised)."""
    path, query = request
    root = base_url(fields)
    url = f"{root}/api/{path}"
    deadline = time.monotonic() + timeout_s()
    exchange = _Exchange(url, query, _authorization(fields), deadline)
    thread = threading.Thread(target=exchange.run, name="dhis2-request", daemon=True)
    stopped = threading.Event()

    def stop():
        stopped.set()
        exchange.done.set()

    with leases.on_stop(stop):
        thread.start()
        exchange.done.wait(max(0.0, deadline - time.monotonic()) + 0.2)
    if stopped.is_set() and exchange.result is None:
        exchange.abandon()
        raise AssistantError("CANCELLED", "The DHIS2 request was stopped.")
    if exchange.result is None:
        exchange.abandon()
        raise _timeout()
    if isinstance(exchange.result, AssistantError):
        raise exchange.result
    status, headers, body = exchange.result
    return _answer(status, headers, body, url)


def _answer(status, headers, body: bytes, url: str):
    if 300 <= status < 400:
        location = headers.get("location", "")
        target = urlsplit(location)
        if "login" in target.path.lower():
            raise _auth_failed(url)
        elsewhere = shown_url(location) if target.hostname else "another path of the same server"
        raise AssistantError(
            "DHIS2_REDIRECT",
            f"DHIS2 answered with a redirect (HTTP {status}) to {elsewhere}; redirects are not followed, so that the "
            "connection's credentials go nowhere else. The connection's url may be out of date (http for https, a "
            "moved server): tell the user, a workspace editor can fix it.",
        )
    if status in (401, 403):
        raise _auth_failed(url)
    parsed = _json(body)
    if status >= 400 or (isinstance(parsed, dict) and parsed.get("status") == "ERROR" and "httpStatusCode" in parsed):
        message = parsed.get("message") if isinstance(parsed, dict) else None
        code = parsed.get("errorCode") if isinstance(parsed, dict) else None
        said = f" DHIS2 said: {str(message)[:MESSAGE_MAX_CHARS]}" if message else ""
        if parsed is _NOT_JSON and not said:
            raise AssistantError(
                "DHIS2_INVALID_RESPONSE", f"DHIS2 answered HTTP {status} with a body that is not DHIS2's JSON error."
            )
        if status == 404:
            raise AssistantError(
                "NOT_FOUND",
                f"DHIS2 has no such resource or object (HTTP 404).{said} Look UIDs up first (e.g. resource "
                '"organisationUnits" with params {"filter": "name:ilike:…", "fields": "id,name,level"}).',
                http_status=404, **({"dhis2_code": str(code)[:20]} if code else {}),
            )
        raise AssistantError(
            "DHIS2_ERROR",
            f"DHIS2 refused the request (HTTP {status}{f', {str(code)[:20]}' if code else ''}).{said}{_hint(message)}",
            http_status=status, **({"dhis2_code": str(code)[:20]} if code else {}),
        )
    if parsed is _NOT_JSON or not isinstance(parsed, (dict, list)):
        kind = headers.get("content-type", "").split(";")[0].strip()[:60] or "no content type"
        raise AssistantError(
            "DHIS2_INVALID_RESPONSE",
            f"DHIS2 answered with something that is not JSON ({kind}, {len(body):,} bytes). The connection's url may "
            "not be a DHIS2 instance: tell the user.",
        )
    return parsed


_NOT_JSON = object()


def _json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _NOT_JSON


def _hint(message) -> str:
    text = str(message or "").lower()
    if "period" in text:
        return (" Periods are DHIS2's: 202410 (month), 2024Q4, 2024, or relative ones such as LAST_12_MONTHS.")
    if "does not exist" in text or "not valid" in text or "not found" in text:
        return (
            " Look the UIDs up first: resource \"dataElements\", \"indicators\" or \"organisationUnits\" with params "
            '{"filter": "name:ilike:<words>", "fields": "id,name"}.'
        )
    return " Fix the parameters and try again."


def _auth_failed(url) -> AssistantError:
    return AssistantError(
        "DHIS2_AUTH_FAILED",
        f"The DHIS2 server at {shown_url(url)} refused the connection's credentials (or they lack the authority "
        "for this resource). Tell the user: a workspace editor can update them in the connection. Do not retry.",
    )
