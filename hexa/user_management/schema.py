from ariadne import MutationType, ObjectType, QueryType
from django.contrib.auth import authenticate, login, logout

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


@identity_mutations.field("login")
def resolve_login(_, info, input):
    request = info.context["request"]
    email = (input.get("email") or "").strip().lower()
    user = authenticate(request, email=email, password=input.get("password") or "")
    if user is None:
        return {"success": False, "errors": ["INVALID_CREDENTIALS"], "me": None}
    login(request, user)
    return {"success": True, "errors": [], "me": {"request": request}}


@identity_mutations.field("logout")
def resolve_logout(_, info):
    logout(info.context["request"])
    return {"success": True}


bindables = [me_query, me_object, user_object, identity_mutations]
