"""Run synchronous code (the ORM, the Anthropic SDK) from async views without blocking.

Under ASGI, Django runs sync views and `sync_to_async(thread_sensitive=True)` code on one
shared thread: a request that waits there blocks every other such request. Long work
(GraphQL resolvers, agent turns that last minutes) runs on this pool instead; its size
bounds how many run at once per process (WORKER_THREADS).
"""

import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from .idle_connections import APP

_executor = None


def executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=settings.WORKER_THREADS, thread_name_prefix="hexa-worker")
    return _executor


def _closing_connections(fn, *args, **kwargs):
    # a pool thread keeps its database connection between tasks only up to its age limit,
    # then the timer closes it, even if no task comes
    with APP.in_use():
        return fn(*args, **kwargs)


def submit(fn, *args, **kwargs) -> asyncio.Future:
    """Start `fn` on the pool; the returned future may be awaited, or not."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, _closing_connections, fn, *args, **kwargs)
    return asyncio.get_running_loop().run_in_executor(executor(), call)


async def run_sync(fn, *args, **kwargs):
    return await submit(fn, *args, **kwargs)
