"""The TLS settings of the app's HTTP clients, made once per process.

httpx builds a TLS context for every client it creates, loading the CA bundle (certifi's)
each time: about 20 ms of CPU, which every DHIS2 request and every model client paid, most
of them to plain-HTTP servers. The context verifies as httpx's default does; it is safe to
share between clients and threads, and every client of the app speaks HTTP/1.1 only (the
one setting a connection writes onto it, its ALPN protocols, is the same for all).
"""

import ssl
from functools import lru_cache

import httpx


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
