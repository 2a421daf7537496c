import { MockedProvider } from "@apollo/client/testing";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ConversationSidebar, { dateGroup } from "./ConversationSidebar";
import { AssistantConversationSidebarDocument } from "./ConversationSidebar.generated";

const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

function mock(search: string | null, items: { id: string; title: string; updatedAt: string; isRunning?: boolean }[]) {
  return {
    request: { query: AssistantConversationSidebarDocument, variables: { slug: "malaria", search } },
    result: {
      data: {
        workspace: {
          __typename: "Workspace",
          slug: "malaria",
          assistantConversations: {
            __typename: "AssistantConversationPage",
            totalItems: items.length,
            items: items.map((item) => ({ __typename: "AssistantConversation", isRunning: false, searchExcerpt: null, ...item })),
          },
        },
      },
    },
  };
}

describe("ConversationSidebar", () => {
  it("groups the conversations by date, marks the open one, and searches by title", async () => {
    const all = [
      { id: "c1", title: "Malaria in Bo", updatedAt: daysAgo(0) },
      { id: "c2", title: "Kenema reports", updatedAt: daysAgo(1), isRunning: true },
      { id: "c3", title: "Old question", updatedAt: daysAgo(30) },
    ];
    render(
      <MockedProvider mocks={[mock(null, all), mock("bo", [all[0]])]}>
        <ConversationSidebar workspaceSlug="malaria" currentId="c2" />
      </MockedProvider>,
    );
    const today = await screen.findByRole("region", { name: "Today" });
    expect(within(today).getByRole("link", { name: "Malaria in Bo" })).toHaveAttribute("href", "/workspaces/malaria/assistant/c1");
    const yesterday = screen.getByRole("region", { name: "Yesterday" });
    expect(within(yesterday).getByRole("link", { name: /Kenema reports/ })).toHaveAttribute("aria-current", "page");
    expect(within(yesterday).getByText("Running")).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Older" })).toHaveTextContent("Old question");
    await userEvent.type(screen.getByRole("searchbox", { name: "Search conversations" }), "bo");
    await waitFor(() => expect(screen.queryByText("Old question")).not.toBeInTheDocument());
    expect(screen.getByRole("link", { name: "Malaria in Bo" })).toBeInTheDocument();
  });

  it("says when nothing matches", async () => {
    render(
      <MockedProvider mocks={[mock(null, []), mock("zz", [])]}>
        <ConversationSidebar workspaceSlug="malaria" />
      </MockedProvider>,
    );
    expect(await screen.findByText("No conversations yet.")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("searchbox", { name: "Search conversations" }), "zz");
    expect(await screen.findByText("No conversation matches “zz”.")).toBeInTheDocument();
  });
});

describe("dateGroup", () => {
  it("reads days in local time", () => {
    const noon = new Date(2026, 10, 29, 12);
    expect(dateGroup(new Date(2026, 10, 29, 0, 5).toISOString(), noon)).toBe("today");
    expect(dateGroup(new Date(2026, 10, 28, 23, 55).toISOString(), noon)).toBe("yesterday");
    expect(dateGroup(new Date(2026, 10, 24).toISOString(), noon)).toBe("week");
    expect(dateGroup(new Date(2026, 10, 1).toISOString(), noon)).toBe("older");
  });
});
