"""A small HTTP server of the app's own, on a thread of its own or in the calling thread:
the life cycle shared by the local stand-ins started beside the app, the offline model
(hexa.assistant.local_model) and the DHIS2 demo (hexa.dhis2_demo).

    class DemoServer(LocalHTTPServer):
        thread_name = "demo"

        def make_httpd(self):
            return MyThreadingHTTPServer((self.host, self.port), self)

    with DemoServer() as server:
        ...  # server.url
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class LocalHTTPServer:
    """start() serves on a daemon thread and stop() ends it; serve_forever() serves in the
    calling thread until interrupted. Port 0 takes a free port: `url` says which, once bound."""

    thread_name = "local-server"
    poll_interval = 0.05  # how soon stop() is noticed

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self.port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def make_httpd(self) -> ThreadingHTTPServer:
        """The server bound to (host, port); its handlers reach this object as they need."""
        raise NotImplementedError

    def close_connections(self):
        """After the server stopped taking requests: close what it keeps open (idle
        keep-alive connections), so that stop() leaves no client waiting."""

    def _bind(self):
        self._httpd = self.make_httpd()
        self.port = self._httpd.server_address[1]

    def start(self):
        self._bind()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": self.poll_interval},
            name=f"{self.thread_name}:{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self.close_connections()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def serve_forever(self, on_ready=None):
        """Serve in the calling thread until interrupted; `on_ready(url)` is called once the
        port is bound."""
        self._bind()
        if on_ready:
            on_ready(self.url)
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()
            self._httpd = None

    def serve_until_interrupted(self, announcement: str):
        """serve_forever() for a command line: prints `announcement` (its `{url}` filled in)
        once the port is bound, and ends quietly on Ctrl-C."""
        try:
            self.serve_forever(lambda url: print(announcement.format(url=url), flush=True))
        except KeyboardInterrupt:
            pass

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
