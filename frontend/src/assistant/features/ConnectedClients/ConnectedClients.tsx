import { useMemo, useState } from "react";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { TFunction, useTranslation } from "core/helpers/i18n";
import { formatDate } from "assistant/helpers/format";
import CopyButton from "assistant/features/CopyButton";
import type { AssistantToolName, CreateAssistantClientTokenError } from "graphql/types";
import {
  ConnectedClients_ClientFragment,
  useConnectedClientsQuery,
  useCreateAssistantClientTokenMutation,
  useRevokeAssistantClientTokenMutation,
} from "./ConnectedClients.generated";

type Client = ConnectedClients_ClientFragment;

export function describeTokenError(t: TFunction, code: CreateAssistantClientTokenError): string {
  const messages: Record<CreateAssistantClientTokenError, string> = {
    INVALID_NAME: t("Give the token a name of at most 100 characters."),
    WORKSPACE_NOT_FOUND: t("Choose at least one of your workspaces."),
    INVALID_TOOL: t("Choose at least one tool."),
    PERMISSION_DENIED: t("Your role does not allow one of these tools in one of these workspaces."),
    TOO_MANY_CLIENTS: t("You have the most clients you can have: revoke one first."),
  };
  return messages[code] ?? code;
}

/** The configuration of Claude Code and Claude Desktop for a personal token. */
export function clientConfiguration(url: string, token: string) {
  return {
    claudeCode: `claude mcp add --transport http openhexa ${url} --header "Authorization: Bearer ${token}"`,
    claudeDesktop: JSON.stringify(
      {
        mcpServers: {
          openhexa: { command: "npx", args: ["-y", "mcp-remote", url, "--header", `Authorization: Bearer ${token}`] },
        },
      },
      null,
      2,
    ),
  };
}

const NewToken = ({ url, token, onDone }: { url: string; token: string; onDone: () => void }) => {
  const { t } = useTranslation();
  const config = clientConfiguration(url, token);
  return (
    <div role="status" className="rounded-lg bg-green-50 p-4 ring-1 ring-green-200">
      <p className="text-sm font-medium text-green-900">
        {t("Your token. Copy it now: it is shown only once.")}
      </p>
      <div className="mt-2 flex items-center gap-2">
        <code className="break-all rounded bg-white px-2 py-1 text-xs text-gray-900 ring-1 ring-gray-200">{token}</code>
        <CopyButton text={() => token} label={t("Copy")} />
      </div>
      <p className="mt-3 text-sm text-gray-700">{t("Claude Code: run")}</p>
      <pre className="mt-1 overflow-x-auto rounded bg-white p-2 text-xs ring-1 ring-gray-200">{config.claudeCode}</pre>
      <p className="mt-3 text-sm text-gray-700">{t("Claude Desktop: add to claude_desktop_config.json")}</p>
      <pre className="mt-1 overflow-x-auto rounded bg-white p-2 text-xs ring-1 ring-gray-200">{config.claudeDesktop}</pre>
      <div className="mt-3 text-right">
        <Button variant="white" onClick={onDone}>
          {t("Done")}
        </Button>
      </div>
    </div>
  );
};

/**
 * The user's MCP clients (personal tokens and the OAuth clients they authorised), with their
 * last use; a personal token is created here for a client configured by hand, and any
 * client is revoked here.
 */
const ConnectedClients = ({ workspaceSlug }: { workspaceSlug?: string }) => {
  const { t } = useTranslation();
  const { data, loading, refetch } = useConnectedClientsQuery();
  const [createToken, { loading: creating }] = useCreateAssistantClientTokenMutation();
  const [revokeToken] = useRevokeAssistantClientTokenMutation();
  const me = data?.me;
  const grantable = useMemo(() => me?.assistantGrantable ?? [], [me]);
  const [name, setName] = useState("");
  const [workspaces, setWorkspaces] = useState<string[] | null>(null);
  const [tools, setTools] = useState<AssistantToolName[] | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [token, setToken] = useState<string | null>(null);

  const chosenWorkspaces =
    workspaces ?? grantable.filter((g) => g.workspace.slug === workspaceSlug).map((g) => g.workspace.slug);
  // a tool can be granted when the user's role allows it in every chosen workspace
  const allowedTools = useMemo(() => {
    const chosen = grantable.filter((g) => chosenWorkspaces.includes(g.workspace.slug));
    if (!chosen.length) return [] as AssistantToolName[];
    return chosen[0].tools.filter((tool) => chosen.every((g) => g.tools.includes(tool)));
  }, [grantable, chosenWorkspaces]);
  const chosenTools = (tools ?? allowedTools).filter((tool) => allowedTools.includes(tool));

  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  const onCreate = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await createToken({
      variables: { input: { name: name.trim(), workspaceSlugs: chosenWorkspaces, tools: chosenTools } },
    });
    const answer = result.data?.createAssistantClientToken;
    if (!answer?.success || !answer.token) {
      setErrors((answer?.errors ?? []).map((code) => describeTokenError(t, code)));
      return;
    }
    setErrors([]);
    setName("");
    setToken(answer.token);
    await refetch();
  };

  const onRevoke = async (client: Client) => {
    if (!window.confirm(t("Revoke {{name}}? It stops working at once.", { name: client.name }))) return;
    await revokeToken({ variables: { id: client.id } });
    await refetch();
  };

  if (loading && !data) return <Spinner />;
  const clients = me?.assistantClients ?? [];
  const url = me?.assistantMcpUrl ?? "";

  return (
    <div className="space-y-8">
      <section>
        <p className="text-sm text-gray-600">
          {t(
            "AI clients such as Claude Desktop and Claude Code can use this workspace's tools through the MCP server, with your rights: they read files and query databases; changes are made here, on the assistant page. Every call is recorded.",
          )}
        </p>
        <p className="mt-2 text-sm text-gray-600">
          {t("Server URL")}: <code className="rounded bg-gray-100 px-1 text-xs">{url}</code>{" "}
          <CopyButton text={() => url} label={t("Copy")} />
        </p>
      </section>

      <section aria-labelledby="clients-heading">
        <h2 id="clients-heading" className="text-lg font-semibold text-gray-900">
          {t("Connected clients")}
        </h2>
        {clients.length ? (
          <ul className="mt-3 divide-y divide-gray-100 overflow-hidden rounded-lg bg-white ring-1 ring-gray-200">
            {clients.map((client) => (
              <li key={client.id} className="flex items-start justify-between gap-4 px-4 py-3">
                <div className="min-w-0">
                  <p className="font-medium text-gray-900">
                    {client.name}{" "}
                    <span className="text-xs font-normal text-gray-500">
                      {client.kind === "OAUTH" ? t("authorised with OAuth") : t("personal token")}
                    </span>
                  </p>
                  <p className="text-xs text-gray-500">
                    {client.workspaces.map((w) => w.name).join(", ") || t("no workspace")} · {client.tools.join(", ")}
                  </p>
                  <p className="text-xs text-gray-500">
                    {t("Created {{date}}", { date: formatDate(client.createdAt) })} ·{" "}
                    {client.lastUsedAt ? t("last used {{date}}", { date: formatDate(client.lastUsedAt) }) : t("never used")}
                  </p>
                </div>
                {client.revokedAt ? (
                  <span className="text-xs text-gray-500">{t("Revoked {{date}}", { date: formatDate(client.revokedAt) })}</span>
                ) : (
                  <Button variant="white" size="sm" onClick={() => onRevoke(client)}>
                    {t("Revoke")}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 text-sm text-gray-500">{t("No client is connected.")}</p>
        )}
      </section>

      <section aria-labelledby="token-heading">
        <h2 id="token-heading" className="text-lg font-semibold text-gray-900">
          {t("New personal token")}
        </h2>
        <p className="mt-1 text-sm text-gray-600">
          {t("For a client configured by hand. Clients that sign in with OAuth ask you on a page of their own.")}
        </p>
        {token ? (
          <div className="mt-3">
            <NewToken url={url} token={token} onDone={() => setToken(null)} />
          </div>
        ) : (
          <form onSubmit={onCreate} className="mt-3 space-y-4 rounded-lg bg-white p-4 ring-1 ring-gray-200">
            {errors.map((message) => (
              <p key={message} role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {message}
              </p>
            ))}
            <label className="block text-sm font-medium text-gray-700">
              {t("Name")}
              <input
                value={name}
                onChange={(event) => setName(event.target.value)}
                maxLength={100}
                placeholder="Claude Desktop"
                className="mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm"
              />
            </label>
            <fieldset>
              <legend className="text-sm font-medium text-gray-700">{t("Workspaces")}</legend>
              {grantable.map(({ workspace }) => (
                <label key={workspace.slug} className="mt-1 flex items-center gap-2 text-sm text-gray-800">
                  <input
                    type="checkbox"
                    checked={chosenWorkspaces.includes(workspace.slug)}
                    onChange={() => setWorkspaces(toggle(chosenWorkspaces, workspace.slug))}
                  />
                  {workspace.name}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend className="text-sm font-medium text-gray-700">{t("Tools")}</legend>
              {allowedTools.map((tool) => (
                <label key={tool} className="mt-1 flex items-center gap-2 text-sm text-gray-800">
                  <input type="checkbox" checked={chosenTools.includes(tool)} onChange={() => setTools(toggle(chosenTools, tool))} />
                  <code className="text-xs">{tool}</code>
                </label>
              ))}
            </fieldset>
            <div className="text-right">
              <Button type="submit" disabled={creating}>
                {t("Create token")}
              </Button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
};

export default ConnectedClients;
