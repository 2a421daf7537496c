from ariadne import MutationType, ObjectType, QueryType
from django.contrib.auth import authenticate, login, logout

from hexa.core.graphql_errors import payload
from hexa.core.text import is_storable_text

from . import throttle
from .models import User

me_query = QueryType()
me_object = ObjectType("Me")
user_object = ObjectType("User")
identity_mutations = MutationType()


@me_query.field("me")
def resolve_me(_, info):
    return {"request": info.context["request"]}


@me_object.field("user")
def resolve_me_user(me, _):
    user = me["request"].user
    return user if user.is_authenticated else None


@user_object.field("displayName")
def resolve_display_name(user, _):
    return user.display_name


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@identity_mutations.field("login")
def resolve_login(_, info, input):
    """Throttled per account and per client address (throttle.py): a throttled attempt gets
    TOO_MANY_ATTEMPTS and `retryAfter` without its password being checked. An email that no
    account can have (a NUL character, an unpaired surrogate) or a password that is not
    UTF-8 is a failed attempt like a wrong password, not a driver's error."""
    request = info.context["request"]
    email = (input.get("email") or "").strip().lower()
    password = input.get("password") or ""
    try:
        attempt = throttle.start_attempt(email, throttle.client_address(request))
    except throttle.Throttled as throttled:
        return payload(["TOO_MANY_ATTEMPTS"], me=None, retry_after=throttled.retry_after)
    user = None
    if is_storable_text(email) and _is_utf8(password):  # a password is hashed, never stored: NUL is fine
        user = authenticate(request, email=email, password=password)
    if user is None:
        return payload(["INVALID_CREDENTIALS"], me=None)
    throttle.succeeded(attempt)
    login(request, user)
    return payload(me={"request": request})


@identity_mutations.field("updateUser")
def resolve_update_user(_, info, input):
    """Only ever the caller's own account: the input names no user."""
    user = info.context["request"].user
    if not user.is_authenticated:
        return payload(["PERMISSION_DENIED"], user=None)
    language = input.get("language")
    if language is not None:
        if language not in User.Language.values:
            return payload(["INVALID_LANGUAGE"], user=user)
        user.language = language
        user.save(update_fields=["language"])
    return payload(user=user)


@identity_mutations.field("logout")
def resolve_logout(_, info):
    logout(info.context["request"])
    return {"success": True}


bindables = [me_query, me_object, user_object, identity_mutations]
