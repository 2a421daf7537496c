"""A local HTTP server that speaks the Anthropic Messages API, for the real SDK to talk to.

    with LocalModelServer(ScriptedResponder([text_reply("Hi")])) as server:
        client = anthropic.Anthropic(api_key="test", base_url=server.url, max_retries=0)
        client.messages.create(model=…, max_tokens=…, messages=[…])
        server.requests[-1]["body"]  # what the agent sent

One thread per connection (ThreadingHTTPServer) so that many agent turns can wait on
the simulated model at once, as they would on the real API; HTTP/1.1 keep-alive with
chunked SSE so the SDK's connection pool behaves as in production.

Order of checks, as the API: unknown path → 404, no key → 401, body not JSON or
invalid → 400 (validation.py), then the responder's answer after `latency` seconds.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hexa.core.local_server import LocalHTTPServer

from .billing import Billing, estimate_output_tokens, estimate_tokens
from .replies import ErrorReply, Reply, StreamErrorReply, new_id
from .validation import validate_request
from .wire import message_json, sse_frame, stream_events

logger = logging.getLogger(__name__)

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a benchmark opens dozens of connections at once

    def handle_error(self, request, client_address):
        # A connection dropped mid-request (client gone, stop()) is routine here, not a crash.
        logger.debug("Connection from %s failed", client_address, exc_info=True)

    def __init__(self, address, owner: LocalModelServer):
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Each streamed event is its own small write: without TCP_NODELAY, Nagle's algorithm
    # holds it until the client's delayed ACK (up to 40 ms), which no real API does.
    disable_nagle_algorithm = True
    server: _HTTPServer

    # -- connection bookkeeping, so that stop() can close keep-alive connections --
    def setup(self):
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format, *args):
        logger.debug("%s - %s", self.address_string(), format % args)

    # -- routing --
    def do_POST(self):
        self._handle()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST

    def _handle(self):
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        owner._record({"path": path, "headers": headers, "body": body})

        if self.command != "POST" or path not in (MESSAGES_PATH, COUNT_TOKENS_PATH):
            return self._send_error(ErrorReply(404, "not_found_error", f"Not found: {self.command} {path}"))
        # SDK 2.x sends the key as `authorization: Bearer …`; older clients use x-api-key.
        if not headers.get("x-api-key") and not headers.get("authorization", "").removeprefix("Bearer").strip():
            return self._send_error(ErrorReply(401, "authentication_error", "x-api-key header is required"))
        if path == COUNT_TOKENS_PATH:
            invalid = validate_request(dict(body, max_tokens=1) if isinstance(body, dict) else body)
            if invalid:
                return self._send_error(invalid)
            return self._send_json(200, {"input_tokens": owner.billing.count_input_tokens(body)})
        invalid = validate_request(body) or owner.beyond_window(body)
        if invalid:
            return self._send_error(invalid)
        self._answer(body)

    def _answer(self, body: dict):
        owner = self.server.owner
        try:
            reply = owner.responder(body)
        except Exception as error:  # a broken test responder must show up in the test, not hang it
            logger.exception("Responder failed")
            reply = ErrorReply(500, "api_error", f"responder raised {type(error).__name__}: {error}")
        time.sleep(owner.latency + getattr(reply, "delay", 0.0))
        streaming = bool(body.get("stream"))

        if isinstance(reply, ErrorReply):
            return self._send_error(reply)
        if isinstance(reply, StreamErrorReply):
            if not streaming:
                return self._send_error(reply.as_http_error())
            usage = owner._usage(body, reply.before)
            events = list(stream_events(reply.before, body["model"], usage, finish=False))
            events.append(("error", reply.body()))
            return self._send_stream(events, body, usage=usage)
        if not isinstance(reply, Reply):
            return self._send_error(
                ErrorReply(500, "api_error", f"responder returned {type(reply).__name__}, not a Reply")
            )
        usage = owner._usage(body, reply)
        if streaming:
            return self._send_stream(stream_events(reply, body["model"], usage), body, reply, usage)
        if self._send_json(200, message_json(reply, body["model"], usage)):
            owner._served(usage, usage["output_tokens"], complete=True)

    # -- writing --
    def _start(self, status: int, content_type: str, extra: dict | None = None, length: int | None = None):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("request-id", new_id("req"))
        for name, value in (extra or {}).items():
            self.send_header(name, str(value))
        if length is None:
            self.send_header("transfer-encoding", "chunked")
            self.send_header("cache-control", "no-cache")
        else:
            self.send_header("content-length", str(length))
        self.end_headers()

    def _send_json(self, status: int, payload: dict, headers: dict | None = None) -> bool:
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self._start(status, "application/json", headers, len(data))
            self.wfile.write(data)
            return True
        except OSError:  # the client went away
            self.close_connection = True
            return False

    def _send_error(self, reply: ErrorReply):
        self._send_json(reply.status, reply.body(), reply.headers)

    def _send_stream(self, events, body, reply=None, usage=None):
        delay, on_sent = self.server.owner.chunk_delay, self.server.owner.on_sent
        if reply is not None and reply.chunk_delay is not None:
            delay = reply.chunk_delay
        cut_after = reply.cut_after if reply is not None else None
        # what the client was sent, for the tally of what the API would bill (served)
        started, finished, output = False, False, []
        try:
            for name in self._write_stream(events, body, delay, on_sent, cut_after, output):
                started = started or name == "message_start"
                finished = finished or name == "message_delta"
        finally:
            if started and usage is not None:
                sent = usage["output_tokens"] if finished else estimate_tokens("".join(output)) if output else 1
                self.server.owner._served(usage, sent, complete=finished)

    def _write_stream(self, events, body, delay, on_sent, cut_after, output):
        """Write the stream's events; yields the name of each one sent."""
        try:
            self._start(200, "text/event-stream; charset=utf-8")
            for count, (name, data) in enumerate(events):
                if cut_after is not None and count >= cut_after:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)  # cut: no end of the chunked body
                    return
                if delay and name == "content_block_delta":
                    time.sleep(delay)
                frame = sse_frame(name, data)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
                self.wfile.flush()
                if name == "content_block_delta":
                    delta = data["delta"]
                    output.append(delta.get("text") or delta.get("partial_json") or delta.get("thinking") or "")
                yield name
                if on_sent:
                    on_sent(name, data, body)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client went away mid-stream, or stop() closed the connection
            self.close_connection = True


class LocalModelServer(LocalHTTPServer):
    """The fake / offline Messages API.

    `responder`: callable(body) -> Reply | ErrorReply | StreamErrorReply.
    `latency`: seconds before the first byte of every answer (time to first token).
    `chunk_delay`: seconds between streamed deltas.
    `billing`: a Billing (prompt cache state and usage); a fresh one by default.
    `record_requests`: keep every request in `.requests` and what was served in `.served`
    (off for the long-running demo).
    `on_sent(event_name, event_data, body)`: called right after each streamed event is
    flushed to the client (benchmarks time the first token with it).
    `context_window`: the model's window in tokens; larger requests get the API's 400.
    """

    thread_name = "local-model"
    poll_interval = 0.01

    def __init__(
        self,
        responder,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        billing: Billing | None = None,
        record_requests: bool = True,
        on_sent=None,
        context_window: int | None = None,
    ):
        super().__init__(host, port)
        self.responder = responder
        self.latency, self.chunk_delay = latency, chunk_delay
        self.billing = billing if billing is not None else Billing()
        self.record_requests = record_requests
        self.on_sent = on_sent
        self.context_window = context_window
        self._requests: list[dict] = []
        self._served_calls: list[dict] = []
        self._lock = threading.Lock()

    def make_httpd(self) -> _HTTPServer:
        return _HTTPServer((self.host, self.port), self)

    def close_connections(self):
        with self._httpd.connections_lock:
            for connection in list(self._httpd.connections):  # idle keep-alive connections
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    @property
    def requests(self) -> list[dict]:
        """Every request received, oldest first: {"path", "headers" (lower-case keys), "body"}."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self):
        with self._lock:
            self._requests.clear()
            self._served_calls.clear()

    @property
    def served(self) -> list[dict]:
        """What the API would bill, one entry per answer that started (an error answer bills
        nothing): the request's input as its usage says, and the output tokens the client
        was sent (all of them once `message_delta` went out; else those of the deltas sent,
        counted as the billing counts them). `complete`: the answer was sent to its end."""
        with self._lock:
            return list(self._served_calls)

    def _served(self, usage: dict, output_tokens: int, complete: bool):
        if not self.record_requests:  # the long-running offline demo keeps nothing
            return
        entry = {k: usage.get(k, 0) for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")}
        with self._lock:
            self._served_calls.append({**entry, "output_tokens": output_tokens, "complete": complete})

    def _record(self, request: dict):
        if not self.record_requests:
            return
        with self._lock:
            self._requests.append(request)

    def beyond_window(self, body: dict) -> ErrorReply | None:
        """The API's 400 for a request that does not fit in the model's context window."""
        if not self.context_window:
            return None
        prompt, limit = self.billing.count_input_tokens(body), self.context_window
        if prompt > limit:
            return ErrorReply(400, "invalid_request_error", f"prompt is too long: {prompt} tokens > {limit} maximum")
        if prompt + body["max_tokens"] > limit:
            return ErrorReply(
                400,
                "invalid_request_error",
                f"input length and `max_tokens` exceed context limit: {prompt} + {body['max_tokens']} > {limit}, "
                "decrease input length or `max_tokens` and try again",
            )
        return None

    def _usage(self, body: dict, reply: Reply) -> dict:
        usage = self.billing.usage(body, estimate_output_tokens(reply.content))
        usage.update(reply.usage or {})
        return usage
