"""Login throttling: at most LOGIN_MAX_FAILURES_PER_ACCOUNT failed logins per account
(email) and LOGIN_MAX_FAILURES_PER_ADDRESS per client address within the last
LOGIN_FAILURE_WINDOW_S seconds. Failures are rows of the app's database (LoginFailure), so
the limits hold across server processes and machines.

An attempt is recorded as a failure before its password is checked, under a lock per
account and per address, so that attempts sent at the same time (aliases, parallel
requests, several processes) cannot all pass the limit; the attempt that succeeds removes
its own rows and the earlier failures of its account (not those of its address). A
throttled attempt is neither checked nor recorded: the wait ends when the oldest counted
failure leaves the window, whatever the caller does meanwhile.
"""

import hashlib
import ipaddress
import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import LoginFailure

Scope = LoginFailure.Scope
# pg_advisory_xact_lock(class, hashtext(key)): one class per scope; always taken account
# first, then address, so that two attempts cannot wait on each other.
LOCK_CLASSES = {Scope.ACCOUNT: 0x4C4F4731, Scope.ADDRESS: 0x4C4F4732}


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many failed logins: retry in {retry_after} s.")
        self.retry_after = retry_after


@dataclass
class Attempt:
    keys: dict
    ids: list = field(default_factory=list)


def account_key(email: str) -> str:
    """What is typed in the email field is not kept (it is sometimes a password)."""
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def client_address(request) -> str | None:
    """REMOTE_ADDR; behind NUM_PROXIES proxies that each append the address they received
    from to X-Forwarded-For, the entry the outermost of them appended (what the client sent
    itself is further left and ignored). An IPv6 address counts as its /64 network.

    None when that tells nothing about the client: no address, or a loopback one, which is
    a proxy on this machine that did not pass the client's address on (the page's server
    does not: counting its address would make 20 failures anywhere lock everyone out)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    address = remote
    if settings.NUM_PROXIES > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-min(settings.NUM_PROXIES, len(forwarded))]
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        # not an address (a proxy that writes something else): counted as that text
        return "text:" + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _limits() -> dict:
    limits = {Scope.ACCOUNT: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, Scope.ADDRESS: settings.LOGIN_MAX_FAILURES_PER_ADDRESS}
    return {scope: limit for scope, limit in limits.items() if limit > 0}


def start_attempt(email: str, address: str | None) -> Attempt:
    """Raises Throttled (with the seconds to wait) when the account or the address (None:
    not counted) has had its share of failures in the window; otherwise records the attempt
    as a failure and returns it (pass it to `succeeded` if the password turns out right)."""
    limits = _limits()
    candidates = ((Scope.ACCOUNT, account_key(email)), (Scope.ADDRESS, address))
    keys = {scope: key for scope, key in candidates if scope in limits and key is not None}
    if not keys:
        return Attempt(keys={})
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_S)
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for scope, key in keys.items():  # account first, then address
                cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASSES[scope], key])
        waits = []
        for scope, key in keys.items():
            times = list(
                LoginFailure.objects.filter(scope=scope, key=key, created_at__gt=now - window)
                .order_by("created_at")
                .values_list("created_at", flat=True)
            )
            if len(times) >= limits[scope]:
                # allowed again once enough of them have left the window
                waits.append(times[len(times) - limits[scope]] + window - now)
        if waits:
            raise Throttled(max(1, math.ceil(max(waits).total_seconds())))
        rows = LoginFailure.objects.bulk_create([LoginFailure(scope=scope, key=key, created_at=now) for scope, key in keys.items()])
    LoginFailure.objects.filter(created_at__lte=now - window).delete()  # anyone's, once expired
    return Attempt(keys=keys, ids=[row.pk for row in rows])


def succeeded(attempt: Attempt) -> None:
    """The password was right: this attempt was no failure, and its account's failures are
    forgotten (its address's are not: one good password must not reset a spray)."""
    if not attempt.keys:
        return
    account = Q(scope=Scope.ACCOUNT, key=attempt.keys[Scope.ACCOUNT]) if Scope.ACCOUNT in attempt.keys else Q(pk__in=[])
    LoginFailure.objects.filter(account | Q(pk__in=attempt.ids)).delete()
