"""Small local HTTP servers for the tests of the app's HTTP clients (DHIS2, TLS)."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], ssl_context=None):
    """A server on 127.0.0.1 (any free port) answering with `handler` (over TLS with
    `ssl_context`), in threads of its own until the block ends; yields the server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True  # a handler still writing to a client does not hold the close
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    # shutdown() waits for the loop's next poll
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def answering(body: bytes, content_type: str = "text/plain") -> type[BaseHTTPRequestHandler]:
    """A handler that answers every GET with `body`."""

    class Answer(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Answer
