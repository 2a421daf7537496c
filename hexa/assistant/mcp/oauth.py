"""OAuth 2.1 for the MCP server, on django-oauth-toolkit (DOT), as the MCP authorization
specification asks: RFC 9728 metadata of the protected resource (its 401s point there),
RFC 8414 metadata of the authorization server, dynamic client registration (RFC 7591),
authorization code with PKCE (S256) only, tokens bound to the MCP server (RFC 8707), refresh
tokens rotated, revocation (RFC 7009). DOT does each step; this module adds the consent
(workspaces and tools, in English or French) and reads DOT's tokens for the MCP server.
"""

import hashlib
from urllib.parse import urlsplit

from django.contrib.auth import authenticate, login
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from oauth2_provider.models import AccessToken, get_application_model
from oauth2_provider.views import AuthorizationView, OAuthProtectedResourceMetadataView

from hexa.core.security import POLICY
from hexa.core.text import is_storable_text
from hexa.user_management import throttle
from hexa.workspaces.models import Workspace

from ..models import AssistantClient, AssistantClientKind
from . import PATH as MCP_PATH
from .consent_text import consent_text
from .grants import checked_grant, grantable_tools, offered_tools



def oauth_client(token: str, resource: str) -> AssistantClient | None:
    """The client of a live OAuth access token issued for `resource` (RFC 8707: a token
    that names no resource, or another one, is refused), with the user's live consent."""
    access = (
        AccessToken.objects.select_related("user")
        .filter(token_checksum=hashlib.sha256(token.encode()).hexdigest(), expires__gt=timezone.now())
        .first()
    )
    if access is None or access.user is None or not access.user.is_active or not access.allow_scopes(["mcp"]):
        return None
    if not access.resource or not access.allows_audience(resource):
        return None
    return (
        AssistantClient.objects.select_related("user")
        .filter(user=access.user, application_id=access.application_id, revoked_at__isnull=True)
        .first()
    )


# -- the consent page -----------------------------------------------------------------


def is_this_resource(request, resource: str) -> bool:
    """`resource` (RFC 8707) names this server's MCP endpoint, with or without its last slash."""
    ours = request.build_absolute_uri(MCP_PATH)
    return bool(resource) and resource.rstrip("/") == ours.rstrip("/")


class ConsentView(AuthorizationView):
    """django-oauth-toolkit's authorization endpoint, with this server's consent: the user
    picks the workspaces and tools the client may use (what their role allows, no more); the
    grant is stored as the client's AssistantClient, and tokens are issued for the MCP
    server alone (a request naming no resource, or another one, is refused)."""

    template_name = "assistant/mcp/consent.html"

    def get(self, request, *args, **kwargs):
        if not is_this_resource(request, request.GET.get("resource", "")):
            return self._page("invalid_resource", status=400)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        grantable = {}
        for workspace in Workspace.objects.filter(memberships__user=user).order_by("name"):
            tools = grantable_tools(user, workspace)
            if tools:
                grantable[workspace] = tools
        offered = [name for name in offered_tools() if any(name in tools for tools in grantable.values())]
        application = context.get("application")
        text = consent_text(self.request)
        posted = self.request.method == "POST"
        context.update(
            text=text,
            asks=text["asks"].format(client=(application.name or application.client_id) if application else "?"),
            error_text=[text["errors"].get(code, code) for code in context.get("errors", [])],
            workspaces=[{"slug": w.slug, "name": w.name} for w in grantable],
            tools=offered,
            chosen_workspaces=self.request.POST.getlist("workspaces") if posted else [],
            chosen_tools=self.request.POST.getlist("tools") if posted else offered,
        )
        return context

    def render_to_response(self, context, **kwargs):
        """The page's policy lets its form lead to the client's redirect URI (checked by DOT
        against the client's registered ones): browsers apply `form-action` to the redirect
        that follows the form."""
        response = super().render_to_response(context, **kwargs)
        target = urlsplit(str(context.get("redirect_uri") or ""))
        if target.scheme in ("http", "https") and target.netloc:
            policy = POLICY.format(nonce=self.request.csp_nonce)
            response["Content-Security-Policy"] = policy.replace(
                "form-action 'self'", f"form-action 'self' {target.scheme}://{target.netloc}"
            )
        return response

    def form_valid(self, form):
        if not form.cleaned_data.get("allow"):
            return super().form_valid(form)
        if not is_this_resource(self.request, form.cleaned_data.get("resource") or ""):
            return self._page("invalid_resource", status=400)
        workspaces, tools, errors = checked_grant(
            self.request.user, self.request.POST.getlist("workspaces"), self.request.POST.getlist("tools")
        )
        if errors:
            application = get_application_model().objects.filter(client_id=form.cleaned_data["client_id"]).first()
            return self.render_to_response(
                self.get_context_data(form=form, application=application, errors=errors, **form.cleaned_data)
            )
        application = get_application_model().objects.get(client_id=form.cleaned_data["client_id"])
        with transaction.atomic():
            # a new consent replaces the client's earlier grant (its tokens follow the new one)
            AssistantClient.objects.filter(
                user=self.request.user, application=application, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            client = AssistantClient.objects.create(
                user=self.request.user, name=(application.name or application.client_id)[:100],
                kind=AssistantClientKind.OAUTH, application=application, tools=tools,
            )
            client.workspaces.set(workspaces)
        return super().form_valid(form)

    def _page(self, problem, status):
        return render(
            self.request, "assistant/mcp/problem.html",
            {"text": consent_text(self.request), "problem": problem}, status=status,
        )


def login_view(request):
    """Sign in for the consent page, throttled as the API's `login` is; back to the
    authorization request only (`next` is a local /oauth/authorize/ URL)."""
    text = consent_text(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not next_url.startswith("/oauth/authorize/") or not url_has_allowed_host_and_scheme(next_url, None):
        next_url = ""
    error = None
    if request.method == "POST":
        email = (request.POST.get("email") or "").strip().lower()
        password = request.POST.get("password") or ""
        try:
            attempt = throttle.start_attempt(email, throttle.client_address(request))
        except throttle.Throttled:
            error = text["too_many_attempts"]
        else:
            user = authenticate(request, email=email, password=password) if is_storable_text(email) else None
            if user is None:
                error = text["invalid_credentials"]
            else:
                throttle.succeeded(attempt)
                login(request, user)
                return redirect(next_url or "/")
    return render(request, "assistant/mcp/login.html", {"text": text, "next": next_url, "error": error})


class ResourceMetadataView(OAuthProtectedResourceMetadataView):
    """RFC 9728: the MCP server's identifier is its URL as clients call it (with its slash)."""

    def get_resource(self, request):
        return request.build_absolute_uri(MCP_PATH)
