"""The HTTP client of model calls, made so that a turn that must stop (Stop, a hand-over, a
deleted conversation) cuts its call at once, at any point: before the response's first byte
(a model that thinks long before answering), while it streams, or during a compaction
summary.

The SDK's client is kept as it is (its timeouts, limits, keepalives, proxies); only its
network streams are wrapped. The thread reading a socket is the turn's thread, so the
wrapper finds the turn's handle there (leases.current) and shows the handle the socket it
is blocked on; the handle's stop shuts that socket down, which wakes the read, and the
wrapper then raises CallCut.
"""

import httpcore2

from hexa.core.tls import tls_context

from . import leases
from .sdk import sdk


class CallCut(BaseException):
    """The call was cut because its turn must stop. A BaseException, like KeyboardInterrupt:
    the SDK retries an Exception (after a pause) and would make the call again; this goes
    straight through it, and the HTTP library still releases the connection."""


class _Stream(httpcore2.NetworkStream):
    def __init__(self, stream):
        self._stream = stream

    def read(self, max_bytes, timeout=None):
        handle = leases.current()
        if handle is None:
            return self._stream.read(max_bytes, timeout)
        # shown before the flag is read: a stop either sees the socket or was seen here
        handle.reading = self._stream.get_extra_info("socket")
        try:
            if handle.stopping:
                raise CallCut()
            data = self._stream.read(max_bytes, timeout)
        except Exception:
            if handle.stopping:  # the socket was shut down under the read
                raise CallCut() from None
            raise
        finally:
            handle.reading = None
        if handle.stopping:
            raise CallCut()
        return data

    def write(self, buffer, timeout=None):
        handle = leases.current()
        if handle is not None and handle.stopping:
            raise CallCut()
        self._stream.write(buffer, timeout)

    def close(self):
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    def __init__(self, backend):
        self._backend = backend

    def connect_tcp(self, *args, **kwargs):
        return _Stream(self._backend.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args, **kwargs):
        return _Stream(self._backend.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds):
        self._backend.sleep(seconds)


def http_client():
    """The SDK's own default client, its connections made through _Backend. The pool's
    backend is read when a connection is opened, so replacing it after construction holds
    for every connection (tests/test_worker_crashes.py checks a cut before the first byte)."""
    client = sdk().DefaultHttpxClient(verify=tls_context())
    pool = client._transport._pool
    pool._network_backend = _Backend(pool._network_backend)
    return client
