"""The consent page's words, in English and French: the signed-in user's language, else the
browser's (Accept-Language), else English."""

from django.utils.translation import get_language_from_request

TEXT = {
    "en": {
        "lang": "en",
        "title": "Connect an AI client to OpenHEXA",
        "asks": "{client} asks to use OpenHEXA tools on your behalf.",
        "explain": (
            "It will read files and query databases of the workspaces you choose, with your rights, "
            "and only with the tools you tick. It cannot change anything: changes are made on the "
            "assistant page. Every call is recorded, and you can revoke this access at any time on the "
            "assistant page (Connected clients)."
        ),
        "workspaces": "Workspaces",
        "tools": "Tools",
        "none": "You are not a member of any workspace whose tools you could share.",
        "allow": "Allow",
        "deny": "Deny",
        "redirect": "Then you go back to:",
        "errors": {
            "WORKSPACE_NOT_FOUND": "Choose at least one of your workspaces.",
            "INVALID_TOOL": "Choose at least one tool.",
            "PERMISSION_DENIED": "Your role does not allow one of these tools in one of these workspaces.",
        },
        "invalid_resource": (
            "This authorization request is not for this server's MCP endpoint (its `resource` must be its "
            "URL). Check the client's configuration."
        ),
        "problem_title": "This request cannot be completed",
        "sign_in": "Sign in to OpenHEXA",
        "email": "Email",
        "password": "Password",
        "submit": "Sign in",
        "invalid_credentials": "Wrong email or password.",
        "too_many_attempts": "Too many attempts. Wait a few minutes and try again.",
    },
    "fr": {
        "lang": "fr",
        "title": "Connecter un client IA à OpenHEXA",
        "asks": "{client} demande à utiliser des outils OpenHEXA en votre nom.",
        "explain": (
            "Il pourra lire les fichiers et interroger les bases de données des espaces de travail que vous "
            "choisissez, avec vos droits, et seulement avec les outils cochés. Il ne peut rien modifier : les "
            "modifications se font sur la page de l'assistant. Chaque appel est enregistré, et vous pouvez "
            "révoquer cet accès à tout moment sur la page de l'assistant (Clients connectés)."
        ),
        "workspaces": "Espaces de travail",
        "tools": "Outils",
        "none": "Vous n'êtes membre d'aucun espace de travail dont vous pourriez partager les outils.",
        "allow": "Autoriser",
        "deny": "Refuser",
        "redirect": "Vous serez ensuite renvoyé vers :",
        "errors": {
            "WORKSPACE_NOT_FOUND": "Choisissez au moins un de vos espaces de travail.",
            "INVALID_TOOL": "Choisissez au moins un outil.",
            "PERMISSION_DENIED": "Votre rôle ne permet pas l'un de ces outils dans l'un de ces espaces de travail.",
        },
        "invalid_resource": (
            "Cette demande d'autorisation ne vise pas le serveur MCP de ce serveur (son paramètre `resource` "
            "doit être son URL). Vérifiez la configuration du client."
        ),
        "problem_title": "Cette demande ne peut pas aboutir",
        "sign_in": "Se connecter à OpenHEXA",
        "email": "E-mail",
        "password": "Mot de passe",
        "submit": "Se connecter",
        "invalid_credentials": "E-mail ou mot de passe incorrect.",
        "too_many_attempts": "Trop de tentatives. Patientez quelques minutes puis réessayez.",
    },
}


def consent_text(request) -> dict:
    user = getattr(request, "user", None)
    language = getattr(user, "language", None) if user is not None and user.is_authenticated else None
    language = (language or get_language_from_request(request) or "en").lower()[:2]
    return TEXT.get(language, TEXT["en"])
