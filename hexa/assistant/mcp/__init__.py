"""The workspace tools for other AI clients (Claude Desktop, Claude Code, IDE agents): an MCP
server (the official `mcp` SDK, Streamable HTTP, stateless) at /assistant/mcp/.

- grants.py: which tools of the registry a client sees and may call, in which workspaces;
  personal tokens; the checks made at every call (membership, role, enabled tools).
- calls.py: one call: the rate limit per client, the usage ledger, the tool, the data policy.
- server.py: the MCP server built from the registry (schemas, descriptions, annotations).
- oauth.py: OAuth 2.1 discovery, client registration and the consent page, on django-oauth-toolkit.
- asgi.py: the ASGI application: Host/Origin checks, bearer tokens, the SDK's transport.
"""

# Where the server is mounted (contract)
PATH = "/assistant/mcp/"
