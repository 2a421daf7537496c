import { MockedProvider } from "@apollo/client/testing";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ConnectedClients, { clientConfiguration } from "./ConnectedClients";
import {
  ConnectedClientsDocument,
  CreateAssistantClientTokenDocument,
} from "./ConnectedClients.generated";

const URL = "http://127.0.0.1:8000/assistant/mcp/";
const client = {
  __typename: "AssistantClient" as const,
  id: "c1",
  name: "Claude Code",
  kind: "OAUTH" as const,
  tools: ["describe_tables"],
  createdAt: "2026-12-01T10:00:00+00:00",
  lastUsedAt: null,
  revokedAt: null,
  workspaces: [{ __typename: "Workspace" as const, slug: "malaria", name: "Malaria" }],
};
const grantable = [
  {
    __typename: "AssistantGrantableWorkspace" as const,
    workspace: { __typename: "Workspace" as const, slug: "malaria", name: "Malaria" },
    tools: ["describe_tables", "query_database"],
  },
  {
    __typename: "AssistantGrantableWorkspace" as const,
    workspace: { __typename: "Workspace" as const, slug: "other", name: "Other" },
    tools: ["describe_tables"],
  },
];
const listed = (clients: (typeof client)[]) => ({
  request: { query: ConnectedClientsDocument },
  result: { data: { me: { __typename: "Me", assistantMcpUrl: URL, assistantClients: clients, assistantGrantable: grantable } } },
});

describe("ConnectedClients", () => {
  it("lists the user's clients with their last use", async () => {
    render(
      <MockedProvider mocks={[listed([client])]}>
        <ConnectedClients workspaceSlug="malaria" />
      </MockedProvider>,
    );
    expect(await screen.findByText("Claude Code")).toBeInTheDocument();
    expect(screen.getByText("authorised with OAuth")).toBeInTheDocument();
    expect(screen.getByText(/never used/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Revoke" })).toBeInTheDocument();
  });

  it("offers only the tools the role allows in every chosen workspace, and shows a new token once", async () => {
    const created = {
      request: {
        query: CreateAssistantClientTokenDocument,
        variables: { input: { name: "Desktop", workspaceSlugs: ["malaria"], tools: ["describe_tables", "query_database"] } },
      },
      result: {
        data: {
          createAssistantClientToken: {
            __typename: "CreateAssistantClientTokenResult", success: true, errors: [], token: "hxa_secret",
            client: { ...client, id: "c2", name: "Desktop", kind: "PERSONAL_TOKEN" },
          },
        },
      },
    };
    render(
      <MockedProvider mocks={[listed([]), created, listed([])]}>
        <ConnectedClients workspaceSlug="malaria" />
      </MockedProvider>,
    );
    expect(await screen.findByText("No client is connected.")).toBeInTheDocument();
    expect(screen.getByLabelText("Malaria")).toBeChecked();
    expect(screen.getByLabelText("query_database")).toBeChecked();
    await userEvent.click(screen.getByLabelText("Other"));
    expect(screen.queryByLabelText("query_database")).not.toBeInTheDocument(); // not allowed in Other
    await userEvent.click(screen.getByLabelText("Other"));
    await userEvent.type(screen.getByLabelText("Name"), "Desktop");
    await userEvent.click(screen.getByRole("button", { name: "Create token" }));
    await waitFor(() => expect(screen.getByText("hxa_secret")).toBeInTheDocument());
    expect(screen.getByText(`claude mcp add --transport http openhexa ${URL} --header "Authorization: Bearer hxa_secret"`)).toBeInTheDocument();
  });

  it("writes the clients' configuration", () => {
    const config = clientConfiguration(URL, "hxa_t");
    expect(JSON.parse(config.claudeDesktop).mcpServers.openhexa.args).toEqual(["-y", "mcp-remote", URL, "--header", "Authorization: Bearer hxa_t"]);
  });
});
